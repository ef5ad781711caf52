/* regwatch status VENDOR [--on DATE] [--as-known-on DATE]: what was in force, and how we know. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/dates.h"

int cmd_status(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"on", required_argument, NULL, 'o'},
		{"as-known-on", required_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	char on[RW_DATE_LEN], today[RW_DATE_LEN], known_s[RW_DATE_LEN] = "";
	rw_point first = {0, ""};
	int recorded = 1, future;
	const char *vendor;
	char *name = NULL;
	time_t known = (time_t)-1;
	rw_table t;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int o, rc, json = 0, status = EXIT_OK;

	rw_table_init(&t, RW_Q_NCOLS);
	rw_date_from_time(c->ctx.now, on);
	rw_date_from_time(c->ctx.now, today);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'o')
			status = cli_date_arg(c, "status", "--on", optarg, on);
		else if (o == 'k')
			status = cli_date_arg(c, "status", "--as-known-on", optarg, known_s);
		else if (o == 'j')
			json = 1;
		else
			status = cli_usage(c, "status", "unknown option");
		if (status != EXIT_OK)
			goto out;
	}
	if (optind + 1 != argc) {
		status = cli_usage(c, "status", optind >= argc ? "missing VENDOR" : "one VENDOR at a time");
		goto out;
	}
	vendor = argv[optind];
	if (known_s[0])
		rw_when_parse(known_s, &known);
	rc = rw_db_vendor(&c->ctx, c->db, vendor, &name, NULL);
	if (rc == 0)
		rc = rw_db_status(&c->ctx, c->db, vendor, on, known, &t);
	/* Whether anything had been recorded by the end of --as-known-on: the first run's instant. */
	if (rc == 0 && known != (time_t)-1) {
		rc = rw_db_run_point(&c->ctx, c->db, 1, &first);
		if (rc == RW_ENOTFOUND) {
			recorded = 0;
			rc = 0;
		} else if (rc == 0) {
			time_t t0;

			recorded = rw_instant_parse(first.at, &t0) == 0 && t0 <= known;
		}
	}
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	future = strcmp(on, today) > 0;
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_str(&j, "vendor", vendor);
		rw_json_str(&j, "name", name);
		rw_json_str(&j, "on", on);
		rw_json_str_or_null(&j, "as_known_on", known_s);
		/* recorded: false when nothing had been recorded by then (the statuses are then
		   unknown, not absent); future: --on is after today, so the statuses are those known
		   now to take effect by then. */
		rw_json_raw(&j, "recorded", recorded ? "true" : "false");
		rw_json_str_or_null(&j, "first_run_at", first.at);
		rw_json_raw(&j, "future", future ? "true" : "false");
		rw_json_array(&j, "statuses");
		for (i = 0; i < t.n; i++)
			cli_json_interval(&j, &t.v[i]);
		rw_json_end(&j);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
		goto out;
	}
	if (!recorded) {
		if (first.at[0])
			rc = rw_buf_printf(&doc, "%s (%s): nothing had been recorded by the end of %s: the first run was at %s\n",
					   vendor, name, known_s, first.at);
		else
			rc = rw_buf_printf(&doc, "%s (%s): nothing had been recorded by the end of %s: no run has been recorded yet\n",
					   vendor, name, known_s);
		status = rc < 0 ? cli_fail(c, rw_error(&c->ctx, rc, "out of memory")) : cli_print(c, rw_buf_cstr(&doc), doc.len);
		goto out;
	}
	rc = rw_buf_printf(&doc, "%s (%s) on %s%s%s: %zu status%s in force%s\n", vendor, name, on,
			   known_s[0] ? " as known on " : "", known_s, t.n, t.n == 1 ? "" : "es",
			   future ? " (a future date: what is known now to take effect by then)" : "");
	if (rc < 0) {
		status = cli_fail(c, rw_error(&c->ctx, rc, "out of memory"));
		goto out;
	}
	status = cli_print(c, rw_buf_cstr(&doc), doc.len);
	if (status == EXIT_OK && t.n)
		status = cli_print_table(c, &t, cli_interval_columns, cli_interval_ncolumns);
	if (status == EXIT_OK)
		status = cli_print_removals(c, &t);
	if (status == EXIT_OK && t.n)
		status = cli_print_interval_legend(c, &t);
out:
	free(name);
	rw_buf_release(&doc);
	rw_table_release(&t);
	return status;
}
