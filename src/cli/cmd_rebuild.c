/* regwatch rebuild: the history re-derived from the archive. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "regwatch/update.h"

int cmd_rebuild(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	cli_dictionary dict = {0};
	rw_update_opts uo;
	rw_rebuild_result res;
	rw_buf out = RW_BUF_INIT;
	int o, rc, status = EXIT_OK;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		status = cli_usage(c, "rebuild", "unknown option");
		goto out;
	}
	if (optind < argc) {
		status = cli_usage(c, "rebuild", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	status = cli_dictionary_load(c, &dict);
	if (status != EXIT_OK)
		goto out;
	cli_update_opts(c, &dict, &uo);
	rc = rw_rebuild(&c->ctx, &uo, &res);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}
	rw_buf_printf(&out, "rebuilt %zu run(s) from the archive; %zu document(s) read again, %zu skipped\n", res.runs,
		      res.parsed, res.skipped);
	if (!c->quiet)
		status = cli_print(c, rw_buf_cstr(&out), out.len);
out:
	cli_dictionary_release(&dict);
	rw_buf_release(&out);
	return status;
}
