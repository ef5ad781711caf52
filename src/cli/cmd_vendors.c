/* regwatch vendors: the dictionary, and list entries that named no known vendor. */
#include <getopt.h>

#include "cli.h"

static const cli_column vendor_columns[] = {
	{"ID", RW_V_ID}, {"NAME", RW_V_NAME}, {"PARENT", RW_V_PARENT},
};
static const cli_column unmatched_columns[] = {
	{"ENTRY", RW_U_NAME}, {"SOURCE", RW_U_SOURCE}, {"REGIME", RW_U_REGIME}, {"SINCE", RW_U_SINCE},
};

int cmd_vendors(cli *c, int argc, char **argv)
{
	rw_table v, u;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int rc, json = 0, status = EXIT_OK;

	rw_table_init(&v, RW_V_NCOLS);
	rw_table_init(&u, RW_U_NCOLS);
	status = cli_json_only(c, "vendors", argc, argv, &json);
	if (status != EXIT_OK)
		goto out;
	rc = rw_db_vendors(&c->ctx, c->db, &v, &u);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_array(&j, "vendors");
		for (i = 0; i < v.n; i++) {
			rw_json_object(&j, NULL);
			rw_json_str(&j, "id", v.v[i].f[RW_V_ID]);
			rw_json_str(&j, "name", v.v[i].f[RW_V_NAME]);
			rw_json_str_or_null(&j, "parent", v.v[i].f[RW_V_PARENT]);
			rw_json_raw(&j, "aliases", v.v[i].f[RW_V_ALIASES]);
			rw_json_raw(&j, "brands", v.v[i].f[RW_V_BRANDS]);
			rw_json_end(&j);
		}
		rw_json_end(&j);
		rw_json_array(&j, "unmatched");
		for (i = 0; i < u.n; i++) {
			rw_json_object(&j, NULL);
			rw_json_str(&j, "name", u.v[i].f[RW_U_NAME]);
			rw_json_str(&j, "source", u.v[i].f[RW_U_SOURCE]);
			rw_json_str(&j, "regime", u.v[i].f[RW_U_REGIME]);
			rw_json_str_or_null(&j, "since", u.v[i].f[RW_U_SINCE]);
			rw_json_end(&j);
		}
		rw_json_end(&j);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
		goto out;
	}
	status = cli_print_table(c, &v, vendor_columns, sizeof(vendor_columns) / sizeof(vendor_columns[0]));
	if (status == EXIT_OK && u.n) {
		rw_buf_printf(&doc, "\n%zu list entr%s naming no known vendor\n", u.n, u.n == 1 ? "y" : "ies");
		status = cli_print(c, rw_buf_cstr(&doc), doc.len);
		if (status == EXIT_OK)
			status = cli_print_table(c, &u, unmatched_columns,
						 sizeof(unmatched_columns) / sizeof(unmatched_columns[0]));
	}
out:
	rw_buf_release(&doc);
	rw_table_release(&v);
	rw_table_release(&u);
	return status;
}
