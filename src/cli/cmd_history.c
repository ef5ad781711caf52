/* regwatch history VENDOR [--regime ID]: every interval and announcement, oldest first. */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const cli_column ann_columns[] = {
	{"DATE", RW_A_DATE}, {"SOURCE", RW_A_SOURCE}, {"TITLE", RW_A_TITLE}, {"URL", RW_A_URL},
};

int cmd_history(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"regime", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *vendor, *regime = NULL;
	rw_table iv, an;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int o, rc, json = 0, status = EXIT_OK;

	rw_table_init(&iv, RW_Q_NCOLS);
	rw_table_init(&an, RW_A_NCOLS);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'r') {
			regime = optarg;
		} else if (o == 'j') {
			json = 1;
		} else {
			status = cli_usage(c, "history", "unknown option");
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage(c, "history", optind >= argc ? "missing VENDOR" : "one VENDOR at a time");
		goto out;
	}
	vendor = argv[optind];
	rc = rw_db_history(&c->ctx, c->db, vendor, regime, &iv, &an);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_str(&j, "vendor", vendor);
		rw_json_array(&j, "intervals");
		for (i = 0; i < iv.n; i++)
			cli_json_interval(&j, &iv.v[i]);
		rw_json_end(&j);
		rw_json_array(&j, "announcements");
		for (i = 0; i < an.n; i++) {
			rw_json_object(&j, NULL);
			rw_json_str_or_null(&j, "date", an.v[i].f[RW_A_DATE]);
			rw_json_str(&j, "title", an.v[i].f[RW_A_TITLE]);
			rw_json_str(&j, "url", an.v[i].f[RW_A_URL]);
			rw_json_str(&j, "source", an.v[i].f[RW_A_SOURCE]);
			rw_json_end(&j);
		}
		rw_json_end(&j);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
		goto out;
	}
	rw_buf_printf(&doc, "%s: %zu interval%s\n", vendor, iv.n, iv.n == 1 ? "" : "s");
	status = cli_print(c, rw_buf_cstr(&doc), doc.len);
	if (status == EXIT_OK && iv.n)
		status = cli_print_table(c, &iv, cli_interval_columns, cli_interval_ncolumns);
	if (status == EXIT_OK && an.n) {
		rw_buf_clear(&doc);
		rw_buf_printf(&doc, "\n%zu announcement%s\n", an.n, an.n == 1 ? "" : "s");
		status = cli_print(c, rw_buf_cstr(&doc), doc.len);
		if (status == EXIT_OK)
			status = cli_print_table(c, &an, ann_columns, sizeof(ann_columns) / sizeof(ann_columns[0]));
	}
out:
	rw_buf_release(&doc);
	rw_table_release(&iv);
	rw_table_release(&an);
	return status;
}
