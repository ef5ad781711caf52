/* regwatch check INVENTORY.csv [--on DATE] [--fail-on STATUS]: the assets whose vendor (by
   manufacturer, brand/OEM, model or chipset) has a status on DATE. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/dates.h"
#include "regwatch/impact.h"
#include "regwatch/inventory.h"

enum { AC_ASSET, AC_SITE, AC_MANUFACTURER, AC_MODEL, AC_QUANTITY, AC_VENDOR, AC_MATCHED_BY, AC_WORST, AC_STATUSES,
       AC_NCOLS };

static const cli_column asset_columns[] = {
	{"ASSET", AC_ASSET}, {"SITE", AC_SITE}, {"MANUFACTURER", AC_MANUFACTURER}, {"MODEL", AC_MODEL},
	{"QTY", AC_QUANTITY}, {"VENDOR", AC_VENDOR}, {"MATCHED BY", AC_MATCHED_BY}, {"WORST", AC_WORST},
	{"STATUSES", AC_STATUSES},
};

enum { SC_SITE, SC_ASSETS, SC_AFFECTED, SC_UNITS, SC_UNITS_AFFECTED, SC_NCOLS };

static const cli_column site_columns[] = {
	{"SITE", SC_SITE}, {"ASSETS", SC_ASSETS}, {"AFFECTED", SC_AFFECTED}, {"UNITS", SC_UNITS},
	{"UNITS AFFECTED", SC_UNITS_AFFECTED},
};

/* The table rows for people. */
static int asset_rows(rw_ctx *ctx, const rw_inventory *inv, const rw_check *chk, rw_table *t)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < chk->n && rc == 0; i++) {
		rw_asset_row h;
		const char *f[AC_NCOLS];

		rc = rw_asset_row_init(ctx, &h, &inv->v[chk->v[i].asset], &chk->v[i].reach, 0);
		if (rc < 0)
			break;
		f[AC_ASSET] = h.asset_id;
		f[AC_SITE] = h.site;
		f[AC_MANUFACTURER] = h.maker;
		f[AC_MODEL] = h.model;
		f[AC_QUANTITY] = h.quantity_text;
		f[AC_VENDOR] = h.vendor;
		f[AC_MATCHED_BY] = h.matched_by_text;
		f[AC_WORST] = h.worst_text;
		f[AC_STATUSES] = h.statuses;
		if (rw_table_add(t, f) < 0)
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
		rw_asset_row_release(&h);
	}
	return rc;
}

static int site_rows(const rw_check *chk, rw_table *t)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < chk->nsites && rc == 0; i++) {
		const rw_check_site *s = &chk->sites[i];
		char n[4][32];
		const char *f[SC_NCOLS];

		snprintf(n[0], sizeof(n[0]), "%zu", s->assets);
		snprintf(n[1], sizeof(n[1]), "%zu", s->affected);
		snprintf(n[2], sizeof(n[2]), "%ld", s->units);
		snprintf(n[3], sizeof(n[3]), "%ld", s->units_affected);
		f[SC_SITE] = s->site[0] ? s->site : "(no site)";
		f[SC_ASSETS] = n[0];
		f[SC_AFFECTED] = n[1];
		f[SC_UNITS] = n[2];
		f[SC_UNITS_AFFECTED] = n[3];
		rc = rw_table_add(t, f);
	}
	return rc;
}

/* Writes a part of the JSON document as it is made, so a large inventory's is never whole in memory. */
static int json_out(void *arg, const char *data, size_t len)
{
	return cli_print(arg, data, len) == EXIT_OK ? 0 : RW_EIO;
}

int cmd_check(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"on", required_argument, NULL, 'o'},
		{"fail-on", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	char on[RW_DATE_LEN];
	const char *path;
	rw_dict dict = {0};
	rw_inventory inv;
	rw_reach *reach = NULL;
	rw_check chk;
	rw_table assets, sites;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	int o, rc, json = 0, fail_rank = -1, status = EXIT_OK;

	rw_inventory_init(&inv);
	memset(&chk, 0, sizeof(chk));
	rw_table_init(&assets, AC_NCOLS);
	rw_table_init(&sites, SC_NCOLS);
	rw_date_from_time(c->ctx.now, on);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'o') {
			status = cli_date_arg(c, "check", "--on", optarg, on);
		} else if (o == 'f') {
			fail_rank = rw_status_rank(optarg);
			if (fail_rank < 0)
				status = cli_usage(c, "check",
						   "--fail-on: '%s' is not a status (prohibited, restricted, listed, "
						   "under-review, announced)", optarg);
		} else if (o == 'j') {
			json = 1;
		} else {
			status = cli_usage(c, "check", "unknown option");
		}
		if (status != EXIT_OK)
			goto out;
	}
	if (optind + 1 != argc) {
		status = cli_usage(c, "check", optind >= argc ? "missing INVENTORY" : "one INVENTORY at a time");
		goto out;
	}
	path = argv[optind];
	rc = rw_dict_load(&c->ctx, &dict, c->feeds.vendors_path);
	if (rc < 0) {
		status = cli_fail(c, rc == RW_EIO ? RW_ECONFIG : rc);
		goto out;
	}
	rc = rw_inventory_load(&c->ctx, &inv, path);
	if (rc < 0) {
		status = cli_fail(c, rc == RW_EIO ? RW_EUSAGE : rc);
		goto out;
	}
	cli_print_problems(c, &inv.problems);
	rc = rw_reach_new(&c->ctx, &reach, c->db, &dict);
	if (rc == 0)
		rc = rw_check_run(&c->ctx, reach, &inv, on, (time_t)-1, &chk);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (json) {
		rw_json_init(&j, &doc);
		rw_asset_json_check(&j, path, &inv, &chk, json_out, c);
		rc = j.rc == RW_EIO ? RW_EIO : rw_json_finish(&j);
		if (rc == RW_EIO)
			status = EXIT_FAIL; /* cli_print has said why */
		else if (rc < 0)
			status = cli_fail(c, rw_error(&c->ctx, rc, "check: JSON document: %s",
						      rc == RW_ENOMEM ? "out of memory" : "nested too deeply"));
		else
			status = cli_print_json(c, &doc);
	} else {
		rc = rw_buf_printf(&doc, "%s on %s: %zu asset%s (%ld units), %zu affected (%ld units)", path, on,
				   chk.assets, chk.assets == 1 ? "" : "s", chk.units, chk.affected, chk.units_affected);
		if (rc == 0 && chk.possible)
			rc = rw_buf_printf(&doc, ", %zu possibly affected", chk.possible);
		if (rc == 0 && inv.skipped)
			rc = rw_buf_printf(&doc, ", %zu bad row%s skipped", inv.skipped, inv.skipped == 1 ? "" : "s");
		if (rc == 0)
			rc = rw_buf_puts(&doc, "\n");
		if (rc == 0)
			rc = asset_rows(&c->ctx, &inv, &chk, &assets);
		if (rc == 0)
			rc = site_rows(&chk, &sites);
		status = rc == 0 ? cli_print(c, rw_buf_cstr(&doc), doc.len) : EXIT_FAIL;
		if (status == EXIT_OK && assets.n)
			status = cli_print_table(c, &assets, asset_columns, AC_NCOLS);
		if (status == EXIT_OK && sites.n) {
			status = cli_print(c, "\n", 1);
			if (status == EXIT_OK)
				status = cli_print_table(c, &sites, site_columns, SC_NCOLS);
		}
	}
	if (status == EXIT_OK && fail_rank >= 0 && rw_check_fails(&chk, fail_rank))
		status = EXIT_FOUND;
out:
	rw_check_release(&chk);
	rw_reach_free(reach);
	rw_inventory_release(&inv);
	rw_dict_release(&dict);
	rw_table_release(&assets);
	rw_table_release(&sites);
	rw_buf_release(&doc);
	return status;
}
