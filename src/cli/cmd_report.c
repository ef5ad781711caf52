/* regwatch report [--format html|md] [-o FILE] [--inventory FILE]: a self-contained status report. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/impact.h"
#include "regwatch/inventory.h"
#include "regwatch/report.h"

#define REPORT_MAX_BYTES ((size_t)256 << 20)

/* The format a file name implies: FILE.md is Markdown, anything else HTML. */
static int format_of_name(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".md") == 0 ? RW_REPORT_MD : RW_REPORT_HTML;
}

/* Fills the report's inventory section: every asset a status reaches today. */
static int report_inventory(cli *c, rw_report *r, const char *path)
{
	rw_inventory inv;
	rw_dict dict;
	rw_reach *reach = NULL;
	rw_check chk;
	size_t i;
	int rc, have_dict = 0, have_check = 0;

	rw_inventory_init(&inv);
	if (!c->have_feeds) {
		rc = rw_error(&c->ctx, RW_EUSAGE,
			      "report: --inventory needs the vendor dictionary: no feeds.conf found "
			      "(give --config FILE or set REGWATCH_CONFIG)");
		goto out;
	}
	rc = rw_dict_load(&c->ctx, &dict, c->feeds.vendors_path);
	if (rc < 0)
		goto out;
	have_dict = 1;
	rc = rw_inventory_load(&c->ctx, &inv, path);
	/* Bad rows are reported and skipped; the others are still checked. */
	for (i = 0; i < inv.problems.n; i++)
		rw_log(&c->ctx, RW_LOG_WARN, "%s", inv.problems.v[i]);
	if (rc == 0)
		rc = rw_reach_new(&c->ctx, &reach, c->db, &dict);
	if (rc == 0) {
		rc = rw_check_run(&c->ctx, reach, &inv, r->today, (time_t)-1, &chk);
		have_check = rc == 0;
	}
	if (rc == 0)
		rc = rw_report_set_inventory(&c->ctx, r, path, (long)chk.assets);
	for (i = 0; rc == 0 && i < chk.n; i++) {
		rw_asset_row h;
		const char *f[RW_RA_NCOLS];

		rc = rw_asset_row_init(&c->ctx, &h, &inv.v[chk.v[i].asset], &chk.v[i].reach, 0);
		if (rc < 0)
			break;
		f[RW_RA_SITE] = h.site;
		f[RW_RA_ASSET] = h.asset_id;
		f[RW_RA_MANUFACTURER] = h.maker_brand;
		f[RW_RA_MODEL] = h.model;
		f[RW_RA_QUANTITY] = h.quantity_text;
		f[RW_RA_VENDOR] = h.vendor;
		f[RW_RA_MATCHED_BY] = h.matched_by;
		f[RW_RA_STATUSES] = h.statuses;
		f[RW_RA_NOTE] = h.note;
		rc = rw_report_add_asset(&c->ctx, r, f);
		rw_asset_row_release(&h);
	}
out:
	if (have_check)
		rw_check_release(&chk);
	rw_reach_free(reach);
	if (have_dict)
		rw_dict_release(&dict);
	rw_inventory_release(&inv);
	return rc;
}

int cmd_report(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"inventory", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *inventory = NULL;
	rw_report r;
	rw_buf page = RW_BUF_INIT;
	int o, rc, format = -1, status = EXIT_OK;

	rw_report_init(&r);
	rw_buf_init(&page, REPORT_MAX_BYTES);
	while ((o = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (o == 'f') {
			format = rw_report_format_parse(optarg);
			if (format < 0)
				status = cli_usage(c, "report", "--format: '%s' is not 'html' or 'md'", optarg);
		} else if (o == 'o') {
			output = optarg;
		} else if (o == 'i') {
			inventory = optarg;
		} else {
			status = cli_usage(c, "report", "unknown option");
		}
		if (status != EXIT_OK)
			goto out;
	}
	if (optind < argc) {
		status = cli_usage(c, "report", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (output && output[0] == '\0') {
		status = cli_usage(c, "report", "-o: empty file name");
		goto out;
	}
	if (format < 0)
		format = output ? format_of_name(output) : RW_REPORT_HTML;
	rc = rw_report_load(&c->ctx, &r, c->db);
	if (rc == 0 && inventory)
		rc = report_inventory(c, &r, inventory);
	if (rc == 0)
		rc = rw_report_render(&c->ctx, &r, format, &page);
	if (rc == 0 && output) {
		rc = rw_write_file_atomic(&c->ctx, output, rw_buf_cstr(&page), page.len);
		if (rc < 0)
			rw_error_prefix(&c->ctx, rc, "report '%s'", output);
		else
			rw_log(&c->ctx, RW_LOG_INFO, "report written to '%s' (%zu bytes)", output, page.len);
	}
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (output == NULL)
		status = cli_print(c, rw_buf_cstr(&page), page.len);
out:
	rw_buf_release(&page);
	rw_report_release(&r);
	return status;
}
