/* regwatch update: the nightly job. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/diff.h"
#include "regwatch/update.h"

/* The run's changes for people, after the summary line. The run is recorded whatever
   happens here: a database that cannot be read back is a warning, not a failed update. */
static int print_run_changes(cli *c, long run)
{
	char *path = rw_data_path(c->data_dir, "regwatch.db");
	rw_db *db = NULL;
	rw_changes changes = {0};
	int rc, status = EXIT_OK;

	rc = path ? rw_db_open(&c->ctx, &db, path, RW_DB_READ) : rw_error(&c->ctx, RW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = rw_db_changes(&c->ctx, db, run - 1, run, &changes);
	if (rc < 0)
		rw_log(&c->ctx, RW_LOG_WARN, "run %ld recorded, but its changes cannot be listed: %s", run,
		       rw_errmsg(&c->ctx));
	if (rc == 0 && changes.n) {
		char head[64];

		snprintf(head, sizeof(head), "%zu change%s:\n", changes.n, changes.n == 1 ? "" : "s");
		status = cli_print(c, head, strlen(head));
		if (status == EXIT_OK)
			status = cli_print_changes(c, &changes, "  ");
	}
	rw_changes_release(&changes);
	rw_db_close(db);
	free(path);
	return status;
}

int cmd_update(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, 's'},
		{"no-notify", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	cli_dictionary dict = {0};
	cli_progress progress = {0};
	rw_buf out = RW_BUF_INIT;
	rw_strvec only = RW_STRVEC_INIT;
	rw_update_opts uo;
	rw_update_result res;
	rw_notify_opts no;
	int o, rc, status = EXIT_OK, no_notify = 0;

	memset(&no, 0, sizeof(no));
	while ((o = getopt_long(argc, argv, "s:n", opts, NULL)) != -1) {
		if (o == 's') {
			if (rw_feeds_find(&c->feeds, optarg) == NULL) {
				status = cli_usage(c, "update", "--source: no source '%s' in '%s'", optarg, c->config_path);
				goto out;
			}
			rw_strvec_push(&only, optarg);
		} else if (o == 'n') {
			no_notify = 1;
		} else {
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
	if (!no_notify) {
		/* A refused secret file stops the run before anything is fetched. */
		rc = rw_notify_opts_init(&c->ctx, &no, &c->feeds);
		if (rc < 0) {
			status = cli_fail(c, rc);
			goto out;
		}
		uo.notify = &no;
	}
	cli_progress_start(&progress, c, &uo);
	rc = rw_update(&c->ctx, &uo, &res);
	cli_progress_stop(&progress);
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
	if (status == EXIT_OK && !c->quiet && res.run > 0)
		status = print_run_changes(c, res.run);
	if (status == EXIT_OK && !c->quiet &&
	    (res.notify.sent || res.notify.retry || res.notify.dead || res.notify.waiting)) {
		rw_buf_clear(&out);
		rw_buf_printf(&out, "notifications: %zu sent, %zu to retry, %zu failed for good", res.notify.sent,
			      res.notify.retry, res.notify.dead);
		if (res.notify.waiting)
			rw_buf_printf(&out, ", %zu waiting for an [smtp] section", res.notify.waiting);
		rw_buf_puts(&out, "\n");
		status = cli_print(c, rw_buf_cstr(&out), out.len);
	}
	if (status == EXIT_OK && (res.failed || res.quarantined))
		status = EXIT_PARTIAL;
out:
	rw_notify_opts_release(&no);
	cli_dictionary_release(&dict);
	rw_buf_release(&out);
	rw_strvec_release(&only);
	return status;
}
