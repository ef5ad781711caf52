/* regwatch sync REMOTE [--push|--pull]: mirror the archive to (the default) or from another git repository. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "regwatch/sync.h"

int cmd_sync(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"push", no_argument, NULL, 'p'},
		{"pull", no_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	rw_archive_sync res;
	rw_buf out = RW_BUF_INIT;
	const char *remote;
	int o, rc, direction = -1, status = EXIT_OK;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'p' && o != 'l') {
			status = cli_usage(c, "sync", "unknown option");
			goto out;
		}
		if (direction >= 0) {
			status = cli_usage(c, "sync", "give one of --push and --pull");
			goto out;
		}
		direction = o == 'p' ? RW_SYNC_PUSH : RW_SYNC_PULL;
	}
	if (optind >= argc) {
		status = cli_usage(c, "sync", "no remote given");
		goto out;
	}
	remote = argv[optind];
	if (optind + 1 < argc) {
		status = cli_usage(c, "sync", "unexpected argument '%s'", argv[optind + 1]);
		goto out;
	}
	if (direction < 0)
		direction = RW_SYNC_PUSH; /* "sync REMOTE" mirrors this archive to REMOTE */
	rc = rw_sync(&c->ctx, c->data_dir, remote, direction, &res);
	if (rc < 0) {
		status = cli_fail(c, rc == RW_ENOTFOUND ? RW_ERR : rc);
		goto out;
	}
	if (res.commits == 0)
		rw_buf_printf(&out, "'%s': already up to date (main at %.12s)\n", remote,
			      direction == RW_SYNC_PUSH ? res.after : res.after[0] ? res.after : res.before);
	else if (direction == RW_SYNC_PUSH)
		rw_buf_printf(&out, "pushed %zu commit(s) to '%s': main %.12s -> %.12s\n", res.commits, remote,
			      res.before[0] ? res.before : "(none)", res.after);
	else
		rw_buf_printf(&out,
			      "pulled %zu commit(s) from '%s': main %.12s -> %.12s; the next 'regwatch update' "
			      "(or 'regwatch rebuild') records them\n",
			      res.commits, remote, res.before[0] ? res.before : "(none)", res.after);
	if (!c->quiet)
		status = cli_print(c, rw_buf_cstr(&out), out.len);
out:
	rw_buf_release(&out);
	return status;
}
