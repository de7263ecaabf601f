package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"suggestflow/temporalcluster"
)

// startCluster runs a real Temporal cluster on the -cluster PostgreSQL,
// in fresh databases, and returns its frontend and how to remove it all.
func startCluster(ctx context.Context, o *options, dir string) (string, func(), error) {
	pg, err := temporalcluster.ParsePostgres(o.cluster)
	if err != nil {
		return "", nil, fmt.Errorf("-cluster: %w", err)
	}
	goMod, err := temporalcluster.GoMod()
	if err != nil {
		return "", nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", nil, fmt.Errorf("cache dir: %w", err)
	}
	t0 := time.Now()
	bins, err := temporalcluster.Build(goMod, filepath.Join(cache, "suggestflow"), logf)
	if err != nil {
		return "", nil, err
	}
	dbs, err := temporalcluster.CreateDatabases(bins, pg, fmt.Sprintf("bench_%d", time.Now().Unix()))
	drop := func() {
		if o.keep {
			logf("cluster databases kept: %s, %s", dbs.Persistence, dbs.Visibility)
			return
		}
		if err := dbs.Drop(); err != nil {
			logf("drop cluster databases: %v", err)
		}
	}
	if err != nil {
		drop()
		return "", nil, err
	}
	var dynamic map[string]any
	if o.partitions > 0 {
		dynamic = map[string]any{"matching.numTaskqueueReadPartitions": o.partitions, "matching.numTaskqueueWritePartitions": o.partitions}
	}
	srv, err := temporalcluster.NewServer(bins, filepath.Join(dir, "temporal-cluster"), pg, dbs, o.shards, dynamic)
	if err != nil {
		drop()
		return "", nil, err
	}
	stop := func() { srv.Stop(); drop() }
	if err := srv.Start(ctx); err != nil {
		stop()
		return "", nil, err
	}
	if err := temporalcluster.RegisterNamespace(ctx, srv.Frontend, "default"); err != nil {
		stop()
		return "", nil, err
	}
	logf("Temporal cluster %s on PostgreSQL %s:%s ready at %s in %s", bins.Version, pg.Host, pg.Port, srv.Frontend, secs(time.Since(t0)))
	return srv.Frontend, stop, nil
}
