/* regwatch update: the nightly job. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/update.h"

int cmd_update(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, 's'},
		{"no-notify", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	cli_dictionary dict = {0};
	rw_buf out = RW_BUF_INIT;
	rw_strvec only = RW_STRVEC_INIT;
	rw_update_opts uo;
	rw_update_result res;
	int o, rc, status = EXIT_OK;

	while ((o = getopt_long(argc, argv, "s:n", opts, NULL)) != -1) {
		if (o == 's') {
			if (rw_feeds_find(&c->feeds, optarg) == NULL) {
				status = cli_usage(c, "update", "--source: no source '%s' in '%s'", optarg, c->config_path);
				goto out;
			}
			rw_strvec_push(&only, optarg);
		} else if (o != 'n') {
			status = cli_usage(c, "update", "unknown option");
			goto out;
		}
	}
	if (optind < argc) {
		status = cli_usage(c, "update", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	status = cli_dictionary_load(c, &dict);
	if (status != EXIT_OK)
		goto out;
	cli_update_opts(c, &dict, &uo);
	uo.only = only.n ? (const char *const *)only.v : NULL;
	uo.nonly = only.n;
	rc = rw_update(&c->ctx, &uo, &res);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	if (res.run > 0)
		rw_buf_printf(&out, "run %ld recorded (archive commit %.12s); %zu source(s) fetched", res.run,
			      res.commit, res.sources);
	else
		rw_buf_printf(&out, "nothing changed; %zu source(s) fetched", res.sources);
	if (res.failed || res.quarantined)
		rw_buf_printf(&out, ", %zu failed, %zu quarantined (previous statuses stay in force)", res.failed,
			      res.quarantined);
	rw_buf_puts(&out, "\n");
	if (!c->quiet)
		status = cli_print(c, rw_buf_cstr(&out), out.len);
	if (status == EXIT_OK && (res.failed || res.quarantined))
		status = EXIT_PARTIAL;
out:
	cli_dictionary_release(&dict);
	rw_buf_release(&out);
	rw_strvec_release(&only);
	return status;
}
