/* regwatch doctor: one line per check of the installation; exit 1 when any check failed. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "regwatch/doctor.h"
#include "regwatch/json.h"

static const char *const result_words[] = {"ok", "skip", "warn", "FAIL"};
static const char *const result_json[] = {"ok", "skip", "warn", "fail"};

struct doctor_out {
	int json;
	rw_buf *text;
	rw_json *j;
	long counts[4];
};

static void report(void *arg, int result, const char *check, const char *detail)
{
	struct doctor_out *o = arg;

	if (result < RW_CHECK_OK || result > RW_CHECK_FAIL)
		result = RW_CHECK_FAIL;
	o->counts[result]++;
	if (o->json) {
		rw_json_object(o->j, NULL);
		rw_json_str(o->j, "check", check);
		rw_json_str(o->j, "result", result_json[result]);
		rw_json_str(o->j, "detail", detail);
		rw_json_end(o->j);
	} else {
		rw_buf_printf(o->text, "%-4s  %s: %s\n", result_words[result], check, detail);
	}
}

static void check_config(cli *c, struct doctor_out *o)
{
	char detail[1024];
	size_t i, enabled = 0;

	if (c->config_path == NULL) {
		report(o, RW_CHECK_FAIL, "configuration",
		       "no feeds.conf found (--config, $REGWATCH_CONFIG, ./feeds.conf, "
		       "$XDG_CONFIG_HOME/regwatch/feeds.conf, /etc/regwatch/feeds.conf)");
		return;
	}
	if (!c->have_feeds) {
		report(o, RW_CHECK_FAIL, "configuration", c->config_error ? c->config_error : c->config_path);
		return;
	}
	for (i = 0; i < c->feeds.nsources; i++)
		enabled += c->feeds.sources[i].enabled != 0;
	snprintf(detail, sizeof(detail), "%s: %zu source%s, %zu enabled", c->config_path, c->feeds.nsources,
		 c->feeds.nsources == 1 ? "" : "s", enabled);
	report(o, RW_CHECK_OK, "configuration", detail);
}

int cmd_doctor(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	rw_buf text = RW_BUF_INIT, doc = RW_BUF_INIT;
	rw_doctor_opts dopts;
	struct doctor_out out;
	rw_json j;
	int o, rc, status = EXIT_OK;

	memset(&out, 0, sizeof(out));
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'j') {
			status = cli_usage(c, "doctor", "unknown option");
			goto out;
		}
		out.json = 1;
	}
	if (optind < argc) {
		status = cli_usage(c, "doctor", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	out.text = &text;
	out.j = &j;
	rw_json_init(&j, &doc);
	rw_json_object(&j, NULL);
	rw_json_array(&j, "checks");
	check_config(c, &out);
	memset(&dopts, 0, sizeof(dopts));
	dopts.feeds = c->have_feeds ? &c->feeds : NULL;
	dopts.data_dir = c->data_dir;
	dopts.report = report;
	dopts.arg = &out;
	rc = rw_doctor(&c->ctx, &dopts);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	rw_json_end(&j);
	rw_json_int(&j, "failed", out.counts[RW_CHECK_FAIL]);
	rw_json_int(&j, "warnings", out.counts[RW_CHECK_WARN]);
	rw_json_end(&j);
	if (out.json) {
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
	} else {
		if (out.counts[RW_CHECK_FAIL])
			rw_buf_printf(&text, "%ld check%s failed, %ld warning%s\n", out.counts[RW_CHECK_FAIL],
				      out.counts[RW_CHECK_FAIL] == 1 ? "" : "s", out.counts[RW_CHECK_WARN],
				      out.counts[RW_CHECK_WARN] == 1 ? "" : "s");
		else
			rw_buf_printf(&text, "no problems found, %ld warning%s\n", out.counts[RW_CHECK_WARN],
				      out.counts[RW_CHECK_WARN] == 1 ? "" : "s");
		status = cli_print(c, rw_buf_cstr(&text), text.len);
	}
	if (status == EXIT_OK && out.counts[RW_CHECK_FAIL] > 0)
		status = EXIT_FAIL;
out:
	rw_buf_release(&text);
	rw_buf_release(&doc);
	return status;
}
