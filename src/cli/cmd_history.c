/* regwatch history VENDOR [--regime ID]: every interval and announcement, oldest first. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_column ann_columns[] = {
	{"DATE", RW_A_DATE}, {"SOURCE", RW_A_SOURCE}, {"TITLE", RW_A_TITLE}, {"URL", RW_A_URL},
};

static const cli_column disagreement_columns[] = {
	{"REGIME", RW_Q_REGIME}, {"STATUS", RW_Q_STATUS}, {"BASELINE SINCE", RW_Q_VIA},
	{"SOURCE", RW_Q_SOURCE}, {"SOURCE SINCE", RW_Q_SINCE}, {"SOURCE UNTIL", RW_Q_UNTIL},
};

/* 1 when out already has this disagreement (several entities of one vendor give the same). */
static int seen(const rw_table *out, const rw_row *l, const rw_row *b)
{
	static const size_t cols[] = {RW_Q_REGIME, RW_Q_STATUS, RW_Q_SOURCE, RW_Q_SINCE, RW_Q_UNTIL};
	size_t i, k;

	for (i = 0; i < out->n; i++) {
		const rw_row *o = &out->v[i];

		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			if (strcmp(o->f[cols[k]], l->f[cols[k]]) != 0)
				break;
		if (k == sizeof(cols) / sizeof(cols[0]) && strcmp(o->f[RW_Q_VIA], b->f[RW_Q_SINCE]) == 0)
			return 1;
	}
	return 0;
}

/* Where a live list and the curated baseline give the same status under the same regime
   with different dates: one row per live interval, its baseline start in RW_Q_VIA. */
static int disagreements(const rw_table *iv, rw_table *out)
{
	size_t i, k;

	for (i = 0; i < iv->n; i++) {
		const rw_row *l = &iv->v[i];

		if (strcmp(l->f[RW_Q_SOURCE], "baseline") == 0)
			continue;
		for (k = 0; k < iv->n; k++) {
			const rw_row *b = &iv->v[k];
			rw_row *o;

			if (strcmp(b->f[RW_Q_SOURCE], "baseline") != 0 ||
			    strcmp(b->f[RW_Q_REGIME], l->f[RW_Q_REGIME]) != 0 ||
			    strcmp(b->f[RW_Q_STATUS], l->f[RW_Q_STATUS]) != 0 ||
			    (strcmp(b->f[RW_Q_SINCE], l->f[RW_Q_SINCE]) == 0 && strcmp(b->f[RW_Q_UNTIL], l->f[RW_Q_UNTIL]) == 0))
				continue;
			if (seen(out, l, b))
				break;
			if (rw_table_add_row(out, l) < 0)
				return RW_ENOMEM;
			o = &out->v[out->n - 1];
			rw_str_replace(&o->f[RW_Q_VIA], rw_strdup(b->f[RW_Q_SINCE]));
			rw_str_replace(&o->f[RW_Q_NOTE], rw_strdup(b->f[RW_Q_UNTIL]));
			rw_str_replace(&o->f[RW_Q_JURISDICTION], rw_strdup(b->f[RW_Q_EVIDENCE]));
			if (!o->f[RW_Q_VIA] || !o->f[RW_Q_NOTE] || !o->f[RW_Q_JURISDICTION])
				return RW_ENOMEM;
			break;
		}
	}
	return 0;
}

int cmd_history(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"regime", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	const char *vendor, *regime = NULL;
	rw_table iv, an, dis;
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i;
	int o, rc, json = 0, status = EXIT_OK;

	rw_table_init(&iv, RW_Q_NCOLS);
	rw_table_init(&an, RW_A_NCOLS);
	rw_table_init(&dis, RW_Q_NCOLS);
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
	if (rc == 0 && disagreements(&iv, &dis) < 0)
		rc = rw_error(&c->ctx, RW_ENOMEM, "out of memory");
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
		rw_json_array(&j, "disagreements");
		for (i = 0; i < dis.n; i++) {
			char *const *f = dis.v[i].f;

			rw_json_object(&j, NULL);
			rw_json_str(&j, "regime", f[RW_Q_REGIME]);
			rw_json_str(&j, "status", f[RW_Q_STATUS]);
			rw_json_object(&j, "baseline");
			rw_json_str_or_null(&j, "since", f[RW_Q_VIA]);
			rw_json_str_or_null(&j, "until", f[RW_Q_NOTE]);
			rw_json_str_or_null(&j, "evidence", f[RW_Q_JURISDICTION]);
			rw_json_end(&j);
			rw_json_object(&j, "list");
			rw_json_str(&j, "source", f[RW_Q_SOURCE]);
			rw_json_str_or_null(&j, "since", f[RW_Q_SINCE]);
			rw_json_str_or_null(&j, "until", f[RW_Q_UNTIL]);
			rw_json_str_or_null(&j, "evidence", f[RW_Q_EVIDENCE]);
			rw_json_end(&j);
			rw_json_end(&j);
		}
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
	if (status == EXIT_OK)
		status = cli_print_removals(c, &iv);
	if (status == EXIT_OK && iv.n)
		status = cli_print_interval_legend(c, &iv);
	if (status == EXIT_OK && dis.n) {
		rw_buf_clear(&doc);
		rw_buf_printf(&doc, "\n%zu date%s where a list and the curated baseline disagree"
				    " (status uses the baseline's start and the list's end)\n",
			      dis.n, dis.n == 1 ? "" : "s");
		status = cli_print(c, rw_buf_cstr(&doc), doc.len);
		if (status == EXIT_OK)
			status = cli_print_table(c, &dis, disagreement_columns,
						 sizeof(disagreement_columns) / sizeof(disagreement_columns[0]));
	}
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
	rw_table_release(&dis);
	return status;
}
