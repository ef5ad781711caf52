/*
 * In-process cost of one status query (rw_db_status) on an existing database.
 *
 * usage: bench_status DB VENDOR QUERIES REPS [--as-known-on INSTANT] DATE...
 *
 * Opens DB read-only once, then REPS times runs QUERIES queries for VENDOR,
 * cycling through the dates given, and prints one line per repetition:
 *     "rep N queries N ms_per_query X rows N"
 * (rows: statuses returned by the last round of dates, for a sanity check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "regwatch/dates.h"
#include "regwatch/history.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	rw_ctx ctx;
	rw_db *db = NULL;
	rw_table t;
	time_t known = (time_t)-1;
	long queries = 0, reps = 0, q, r;
	int first = 5, ndates, status = 1;
	size_t rows = 0;

	rw_table_init(&t, RW_Q_NCOLS);
	rw_ctx_init(&ctx, time(NULL));
	if (argc > 6 && strcmp(argv[5], "--as-known-on") == 0) {
		if (rw_instant_parse(argv[6], &known) < 0) {
			fprintf(stderr, "bench_status: '%s' is not an RFC 3339 instant\n", argv[6]);
			return 2;
		}
		first = 7;
	}
	ndates = argc - first;
	if (argc < 6 || ndates < 1 || rw_parse_long(argv[3], 1, 10000000, &queries) < 0 ||
	    rw_parse_long(argv[4], 1, 1000, &reps) < 0) {
		fprintf(stderr, "usage: bench_status DB VENDOR QUERIES REPS [--as-known-on INSTANT] DATE...\n");
		return 2;
	}
	if (rw_db_open(&ctx, &db, argv[1], RW_DB_READ) < 0)
		goto out;
	for (r = 0; r < reps; r++) {
		double t0 = now_s(), t1;

		for (q = 0; q < queries; q++) {
			rw_table_release(&t);
			rw_table_init(&t, RW_Q_NCOLS);
			if (rw_db_status(&ctx, db, argv[2], argv[first + q % ndates], known, &t) < 0)
				goto out;
			rows = t.n;
		}
		t1 = now_s();
		printf("rep %ld queries %ld ms_per_query %.6f rows %zu\n", r + 1, queries,
		       (t1 - t0) * 1000.0 / (double)queries, rows);
	}
	status = fflush(stdout) == 0 ? 0 : 1;
out:
	if (status != 0 && rw_errmsg(&ctx)[0])
		fprintf(stderr, "bench_status: %s\n", rw_errmsg(&ctx));
	rw_table_release(&t);
	rw_db_close(db);
	return status;
}
