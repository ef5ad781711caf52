/* regwatch sources: per-source health. */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const cli_column source_columns[] = {
	{"SOURCE", RW_S_NAME},         {"HEALTH", RW_S_HEALTH},      {"LAST ATTEMPT", RW_S_LAST_ATTEMPT},
	{"LAST SUCCESS", RW_S_LAST_SUCCESS}, {"HTTP", RW_S_HTTP_STATUS}, {"RECORDS", RW_S_RECORDS},
	{"REASON", RW_S_REASON},
};

static void json_number_or_null(rw_json *j, const char *key, const char *s)
{
	if (s[0])
		rw_json_int(j, key, strtol(s, NULL, 10));
	else
		rw_json_null(j, key);
}

int cmd_sources(cli *c, int argc, char **argv)
{
	rw_table t;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int rc, json = 0, status = EXIT_OK;

	rw_table_init(&t, RW_S_NCOLS);
	status = cli_json_only(c, "sources", argc, argv, &json);
	if (status != EXIT_OK)
		goto out;
	rc = rw_db_sources(&c->ctx, c->db, c->ctx.now, &t);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_array(&j, "sources");
		for (i = 0; i < t.n; i++) {
			char *const *f = t.v[i].f;

			rw_json_object(&j, NULL);
			rw_json_str(&j, "name", f[RW_S_NAME]);
			rw_json_str(&j, "url", f[RW_S_URL]);
			rw_json_str(&j, "format", f[RW_S_FORMAT]);
			rw_json_str(&j, "health", f[RW_S_HEALTH]);
			rw_json_str_or_null(&j, "reason", f[RW_S_REASON]);
			rw_json_str_or_null(&j, "last_attempt", f[RW_S_LAST_ATTEMPT]);
			rw_json_str_or_null(&j, "last_success", f[RW_S_LAST_SUCCESS]);
			rw_json_str_or_null(&j, "last_change", f[RW_S_LAST_CHANGE]);
			json_number_or_null(&j, "http_status", f[RW_S_HTTP_STATUS]);
			json_number_or_null(&j, "records", f[RW_S_RECORDS]);
			json_number_or_null(&j, "consecutive_failures", f[RW_S_FAILURES]);
			rw_json_end(&j);
		}
		rw_json_end(&j);
		cli_json_notifications(c, &j);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
		goto out;
	}
	status = cli_print_table(c, &t, source_columns, sizeof(source_columns) / sizeof(source_columns[0]));
	if (status == EXIT_OK)
		status = cli_print_notifications(c);
out:
	rw_buf_release(&doc);
	rw_table_release(&t);
	return status;
}
