// Package store is the persistence code: GORM models, migrations and every
// query. Nothing outside this package touches GORM.
//
// The files are named by business area, each holding the queries of one
// part of the work:
//
//	open.go         opening, migrating and closing the database; errors
//	lists.go        what every area reads with: one page of a list and its
//	                total (paged), counts by key, one row by id, row conversion
//	roster.go       deputies and units
//	accounts.go     accounts, tokens and the audit log
//	sessions.go     signed-in browsers
//	suggestions.go  submitting, reading and listing suggestions
//	search.go       the search index: documents, backfill, ranking and paging;
//	                search_sqlite.go (FTS5) and search_mysql.go (a table of
//	                character pairs) hold each dialect's index
//	steps.go        writing a workflow step of a suggestion
//	meetings.go     reading meetings
//	outbox.go       messages, deliveries and channel preferences
//	stats.go        rates facts, counts by status, the public board, metrics
//	evaluation.go   complaints, questionnaires, quarterly unit scores
//	duties.go       deputies' visits, constituents' opinions, the year record
//	records.go      inspections and group meetings, the year's duty facts
//	calendar.go     local working-day overrides, loaded official schedules
//	reports.go      the reports of cadence runs
//
// Where the row models live: a table that the queries of several areas
// read (suggestions, their parties, replies, ratings, meetings, deputies,
// units and the like) is declared in models.go, so no area looks like its
// owner; a table only one area reads or writes (complaints, scores, visits,
// calendar overrides, reports, audit, sessions, preferences) is declared
// beside its queries, so that area reads whole in one file. allModels in
// models.go lists every table for the migration either way.
package store
