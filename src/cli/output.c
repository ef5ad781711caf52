/* Output to stdout: tables for people, JSON for scripts; errors to stderr. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "regwatch/dates.h"

extern const cli_command cli_commands[];

static const char *usage_of(const char *cmd)
{
	size_t i;

	for (i = 0; cli_commands[i].name; i++)
		if (strcmp(cli_commands[i].name, cmd) == 0)
			return cli_commands[i].usage;
	return "";
}

int cli_fail(cli *c, int rc)
{
	fprintf(stderr, "%s: %s\n", c->prog, rw_errmsg(&c->ctx));
	switch (rc) {
	case RW_EUSAGE:
	case RW_ECONFIG:
	case RW_ENOTFOUND:
		return EXIT_USAGE;
	default:
		return EXIT_FAIL;
	}
}

int cli_usage(cli *c, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", c->prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s %s %s\n", c->prog, cmd, usage_of(cmd));
	return EXIT_USAGE;
}

int cli_print(cli *c, const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "%s: writing to standard output failed\n", c->prog);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cli_print_json(cli *c, rw_buf *doc)
{
	return cli_print(c, rw_buf_cstr(doc), doc->len);
}

/* Display width of UTF-8 text: one column per code point. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

int cli_print_table(cli *c, const rw_table *t, const cli_column *cols, size_t ncols)
{
	size_t w[RW_ROW_MAXCOLS], i, k;
	rw_buf out = RW_BUF_INIT;
	int rc = 0, status;

	for (k = 0; k < ncols; k++)
		w[k] = width(cols[k].header);
	for (i = 0; i < t->n; i++)
		for (k = 0; k < ncols; k++)
			if (width(t->v[i].f[cols[k].col]) > w[k])
				w[k] = width(t->v[i].f[cols[k].col]);
	for (i = 0; i <= t->n && rc == 0; i++) {
		for (k = 0; k < ncols && rc == 0; k++) {
			const char *cell = i == 0 ? cols[k].header : t->v[i - 1].f[cols[k].col];
			size_t pad = k + 1 < ncols ? w[k] - width(cell) + 2 : 0;

			rc = rw_buf_puts(&out, cell[0] ? cell : "-");
			if (!cell[0] && pad)
				pad--;
			while (rc == 0 && pad-- > 0)
				rc = rw_buf_putc(&out, ' ');
		}
		if (rc == 0)
			rc = rw_buf_putc(&out, '\n');
	}
	status = rc == 0 ? cli_print(c, rw_buf_cstr(&out), out.len) : EXIT_FAIL;
	rw_buf_release(&out);
	return status;
}

int cli_date_arg(cli *c, const char *cmd, const char *opt, const char *arg, char out[11])
{
	if (rw_date_parse_iso(arg, out) < 0)
		return cli_usage(c, cmd, "%s: '%s' is not a date (YYYY-MM-DD)", opt, arg);
	return EXIT_OK;
}

const cli_column cli_interval_columns[] = {
	{"REGIME", RW_Q_REGIME}, {"PROVISION", RW_Q_PROVISION}, {"STATUS", RW_Q_STATUS}, {"SINCE", RW_Q_SINCE},
	{"UNTIL", RW_Q_UNTIL},   {"VIA", RW_Q_VIA},             {"CONF", RW_Q_CONFIDENCE}, {"SOURCE", RW_Q_SOURCE},
	{"EVIDENCE", RW_Q_EVIDENCE},
};
const size_t cli_interval_ncolumns = sizeof(cli_interval_columns) / sizeof(cli_interval_columns[0]);

void cli_json_interval(rw_json *j, const rw_row *r)
{
	rw_json_object(j, NULL);
	rw_json_str(j, "regime", r->f[RW_Q_REGIME]);
	rw_json_str(j, "jurisdiction", r->f[RW_Q_JURISDICTION]);
	rw_json_str(j, "status", r->f[RW_Q_STATUS]);
	rw_json_str_or_null(j, "since", r->f[RW_Q_SINCE]);
	rw_json_str_or_null(j, "until", r->f[RW_Q_UNTIL]);
	rw_json_str_or_null(j, "via", r->f[RW_Q_VIA]);
	rw_json_str(j, "source", r->f[RW_Q_SOURCE]);
	rw_json_str_or_null(j, "evidence", r->f[RW_Q_EVIDENCE]);
	rw_json_str(j, "recorded_at", r->f[RW_Q_RECORDED_AT]);
	rw_json_str(j, "entity", r->f[RW_Q_ENTITY]);
	rw_json_str_or_null(j, "note", r->f[RW_Q_NOTE]);
	if (r->f[RW_Q_DROPPED_FROM][0]) {
		rw_json_object(j, "removal");
		rw_json_str(j, "source", r->f[RW_Q_DROPPED_FROM]);
		rw_json_str(j, "first_absent", r->f[RW_Q_FIRST_ABSENT]);
		rw_json_raw(j, "confirmed", "false");
		rw_json_end(j);
	} else {
		rw_json_null(j, "removal");
	}
	rw_json_str_or_null(j, "provision", r->f[RW_Q_PROVISION]);
	rw_json_str_or_null(j, "regime_title", r->f[RW_Q_REGIME_TITLE]);
	rw_json_str_or_null(j, "confidence", r->f[RW_Q_CONFIDENCE]);
	rw_json_str(j, "evidence_kind", r->f[RW_Q_EVIDENCE_KIND]);
	rw_json_end(j);
}

int cli_print_removals(cli *c, const rw_table *t)
{
	rw_buf doc = RW_BUF_INIT;
	size_t i;
	int rc = 0, status = EXIT_OK;

	for (i = 0; i < t->n && rc == 0; i++) {
		char *const *f = t->v[i].f;

		if (f[RW_Q_DROPPED_FROM][0])
			rc = rw_buf_printf(&doc, "%s %s: dropped from %s on %s, removal not confirmed\n", f[RW_Q_REGIME],
					   f[RW_Q_STATUS], f[RW_Q_DROPPED_FROM], f[RW_Q_FIRST_ABSENT]);
	}
	if (rc < 0)
		status = cli_fail(c, rw_error(&c->ctx, rc, "out of memory"));
	else if (doc.len)
		status = cli_print(c, rw_buf_cstr(&doc), doc.len);
	rw_buf_release(&doc);
	return status;
}

int cli_print_interval_legend(cli *c, const rw_table *t)
{
	rw_buf out = RW_BUF_INIT;
	size_t i;
	int rc = 0, confidence = 0, status;

	for (i = 0; i < t->n; i++)
		confidence |= t->v[i].f[RW_Q_CONFIDENCE][0] != '\0';
	if (confidence)
		rc = rw_buf_puts(&out, "CONF: how sure the curated record is of a date and status: H high (the "
				 "instrument itself), M medium, L low (not independently confirmed)\n");
	for (i = 0; i < t->n && rc == 0; i++) {
		char *const *f = t->v[i].f;

		if (strcmp(f[RW_Q_EVIDENCE_KIND], "secondary") == 0)
			rc = rw_buf_printf(&out, "secondary evidence (not the regulator's own document): %s %s from %s: %s\n",
					   f[RW_Q_REGIME], f[RW_Q_STATUS], f[RW_Q_SINCE], f[RW_Q_NOTE]);
	}
	if (rc < 0)
		status = cli_fail(c, rw_error(&c->ctx, rc, "out of memory"));
	else
		status = out.len ? cli_print(c, rw_buf_cstr(&out), out.len) : EXIT_OK;
	rw_buf_release(&out);
	return status;
}

int cli_json_only(cli *c, const char *cmd, int argc, char **argv, int *json)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	int o;

	*json = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j')
			return cli_usage(c, cmd, "unknown option");
		*json = 1;
	}
	if (optind < argc)
		return cli_usage(c, cmd, "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}
