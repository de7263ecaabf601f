#!/bin/sh
# Run once by the mysql image on an empty data directory (it is mounted at
# /docker-entrypoint-initdb.d by docker-compose.yml). The image itself
# creates the application's database and user from MYSQL_DATABASE,
# MYSQL_USER and MYSQL_PASSWORD; this adds Temporal's two databases and
# their own user, so that neither side can touch the other's tables.
# Temporal's auto-setup then creates the schemas inside them.
# Passwords must not contain a single quote (use openssl rand -hex 24).
set -eu
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"
mysql --protocol=socket -uroot -p"${MYSQL_ROOT_PASSWORD}" <<SQL
CREATE DATABASE IF NOT EXISTS temporal CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS temporal_visibility CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'temporal'@'%' IDENTIFIED BY '${TEMPORAL_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON temporal.* TO 'temporal'@'%';
GRANT ALL PRIVILEGES ON temporal_visibility.* TO 'temporal'@'%';
FLUSH PRIVILEGES;
SQL
