/* regwatch regimes: every regime of the baseline, with its instrument and whom its events name. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The sorted vendor ids that regime id's events name (none: checked, nobody listed). */
static int regime_vendors(const rw_regimes *r, const char *id, rw_strvec *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < r->nevents && rc == 0; i++)
		if (strcmp(r->events[i].regime, id) == 0 && !rw_strvec_contains(out, r->events[i].vendor))
			rc = rw_strvec_push(out, r->events[i].vendor);
	rw_strvec_sort(out);
	return rc;
}

static int put_regime(rw_json *j, rw_buf *text, const rw_regimes *r, const rw_regime *g)
{
	rw_strvec vendors = RW_STRVEC_INIT;
	size_t i;
	int rc = regime_vendors(r, g->id, &vendors);

	if (rc < 0)
		goto out;
	if (j) {
		rw_json_object(j, NULL);
		rw_json_str(j, "id", g->id);
		rw_json_str(j, "title", g->title);
		rw_json_str(j, "jurisdiction", g->jurisdiction);
		rw_json_str(j, "instrument", g->instrument);
		rw_json_str(j, "evidence", g->evidence);
		rw_json_raw(j, "covers_affiliates", g->covers_affiliates ? "true" : "false");
		rw_json_array(j, "vendors");
		for (i = 0; i < vendors.n; i++)
			rw_json_str(j, NULL, vendors.v[i]);
		rw_json_end(j);
		rw_json_end(j);
		goto out;
	}
	rc = rw_buf_printf(text, "%s  %s\n  jurisdiction: %s, covers affiliates: %s\n  instrument: %s\n  evidence: %s\n  names: ",
			   g->id, g->title ? g->title : "", g->jurisdiction, g->covers_affiliates ? "yes" : "no",
			   g->instrument ? g->instrument : "-", g->evidence ? g->evidence : "-");
	for (i = 0; i < vendors.n && rc == 0; i++)
		rc = rw_buf_printf(text, "%s%s", i ? ", " : "", vendors.v[i]);
	if (rc == 0)
		rc = rw_buf_puts(text, vendors.n ? "\n\n" : "no vendor (checked: none of the dictionary's vendors is on it)\n\n");
out:
	rw_strvec_release(&vendors);
	return rc;
}

int cmd_regimes(cli *c, int argc, char **argv)
{
	cli_dictionary d;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int rc = 0, json = 0, status;

	memset(&d, 0, sizeof(d));
	status = cli_json_only(c, "regimes", argc, argv, &json);
	if (status != EXIT_OK)
		return status;
	status = cli_dictionary_load(c, &d);
	if (status != EXIT_OK)
		goto out;
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_array(&j, "regimes");
	}
	for (i = 0; i < d.regimes.nregimes && rc == 0; i++)
		rc = put_regime(json ? &j : NULL, &doc, &d.regimes, &d.regimes.regimes[i]);
	if (rc < 0) {
		status = cli_fail(c, rw_error(&c->ctx, rc, "out of memory"));
		goto out;
	}
	if (json) {
		rw_json_end(&j);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
	} else {
		status = cli_print(c, rw_buf_cstr(&doc), doc.len);
	}
out:
	cli_dictionary_release(&d);
	rw_buf_release(&doc);
	return status;
}
