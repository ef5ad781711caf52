/* regwatch notify [--dry-run] [--digest] [--json]: deliver the queued notifications. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/json.h"
#include "regwatch/notify.h"
#include "regwatch/update.h"

static void json_message(rw_json *j, const rw_outbox_msg *m, int with_text)
{
	char *shown = strcmp(m->channel, "webhook") == 0 ? rw_url_for_messages(m->destination) : NULL;

	rw_json_object(j, NULL);
	rw_json_str(j, "id", m->msg_key);
	rw_json_str(j, "kind", m->kind);
	if (m->run > 0)
		rw_json_int(j, "run", m->run);
	else
		rw_json_null(j, "run");
	rw_json_str(j, "member", m->member);
	rw_json_str(j, "channel", m->channel);
	rw_json_str(j, "destination", shown ? shown : m->destination);
	rw_json_str(j, "state", m->state);
	rw_json_int(j, "attempts", m->attempts);
	rw_json_str_or_null(j, "last_error", m->last_error);
	if (m->last_code > 0)
		rw_json_int(j, "last_code", m->last_code);
	else
		rw_json_null(j, "last_code");
	rw_json_str(j, "created_at", m->created_at);
	if (with_text) {
		rw_json_str(j, "subject", m->subject);
		rw_json_str(j, "text", m->body);
		rw_json_raw(j, "payload", m->payload);
	}
	rw_json_end(j);
	free(shown);
}

/* One line per dead message, for people. */
static int dead_lines(rw_buf *out, const rw_outbox *dead)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < dead->n && rc == 0; i++) {
		const rw_outbox_msg *m = &dead->v[i];

		rc = rw_buf_printf(out, "dead: %s to %s (%s, %ld %s): %s\n", m->msg_key, m->member, m->channel,
				   m->attempts, m->attempts == 1 ? "attempt" : "attempts",
				   m->last_error[0] ? m->last_error : "no error recorded");
	}
	return rc;
}

/* One line per member skipped when a run was queued, for people. */
static int skipped_lines(rw_buf *out, const rw_table *skipped)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < skipped->n && rc == 0; i++) {
		char *const *f = skipped->v[i].f;

		rc = rw_buf_printf(out, "skipped: run %s for %s: %s\n", f[RW_QP_RUN], f[RW_QP_MEMBER], f[RW_QP_REASON]);
	}
	return rc;
}

static void json_skipped(rw_json *j, const rw_table *skipped)
{
	size_t i;

	rw_json_array(j, "skipped");
	for (i = 0; i < skipped->n; i++) {
		char *const *f = skipped->v[i].f;

		rw_json_object(j, NULL);
		rw_json_int(j, "run", strtol(f[RW_QP_RUN], NULL, 10));
		rw_json_str(j, "member", f[RW_QP_MEMBER]);
		rw_json_str(j, "reason", f[RW_QP_REASON]);
		rw_json_str(j, "at", f[RW_QP_CREATED_AT]);
		rw_json_end(j);
	}
	rw_json_end(j);
}

int cmd_notify(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"digest", no_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	rw_notify_opts no;
	rw_notify_result res;
	rw_outbox msgs = {0}, dead = {0};
	rw_outbox_counts counts;
	rw_table skipped;
	rw_buf out = RW_BUF_INIT;
	rw_db *db = NULL;
	char *path = NULL;
	size_t i, queued = 0;
	rw_json j;
	int o, rc, dry = 0, digest = 0, json = 0, status = EXIT_OK;

	memset(&no, 0, sizeof(no));
	memset(&res, 0, sizeof(res));
	memset(&counts, 0, sizeof(counts));
	rw_table_init(&skipped, RW_QP_NCOLS);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'n')
			dry = 1;
		else if (o == 'd')
			digest = 1;
		else if (o == 'j')
			json = 1;
		else {
			status = cli_usage(c, "notify", "unknown option");
			goto out;
		}
	}
	if (optind < argc) {
		status = cli_usage(c, "notify", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (dry) {
		/* Secrets are not needed to show what would be sent. */
		no.smtp = &c->feeds.smtp;
		no.conf = &c->feeds.notify;
		no.user_agent = c->feeds.user_agent;
		rc = 0;
	} else {
		rc = rw_notify_opts_init(&c->ctx, &no, &c->feeds);
	}
	if (rc == 0 && !dry)
		rc = rw_data_dir_prepare(&c->ctx, c->data_dir);
	path = rc == 0 ? rw_data_path(c->data_dir, "regwatch.db") : NULL;
	if (rc == 0 && path == NULL)
		rc = rw_error(&c->ctx, RW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = rw_db_open(&c->ctx, &db, path, dry ? RW_DB_READ : RW_DB_WRITE);
	if (rc == RW_ENOTFOUND && dry) {
		rc = 0; /* no database yet: nothing queued */
		db = NULL;
	}
	if (rc == 0 && db && digest)
		rc = rw_outbox_enqueue_digest(&c->ctx, db, dry, &msgs, &queued);
	if (rc == 0 && db && dry)
		rc = rw_outbox_due(&c->ctx, db, c->ctx.now, &msgs);
	if (rc == 0 && db && !dry)
		rc = rw_notify_deliver(&c->ctx, db, &no, &res);
	if (rc == 0 && db)
		rc = rw_outbox_count(&c->ctx, db, c->ctx.now, &counts);
	if (rc == 0 && db)
		rc = rw_outbox_list(&c->ctx, db, "dead", &dead);
	if (rc == 0 && db)
		rc = rw_db_queue_problems(&c->ctx, db, &skipped);
	if (rc < 0) {
		status = cli_fail(c, rc);
		goto out;
	}

	if (json) {
		rw_json_init(&j, &out);
		rw_json_object(&j, NULL);
		rw_json_raw(&j, "dry_run", dry ? "true" : "false");
		rw_json_int(&j, "heartbeats_queued", (long)queued);
		rw_json_int(&j, "sent", (long)res.sent);
		rw_json_int(&j, "retry", (long)res.retry);
		rw_json_int(&j, "failed_for_good", (long)res.dead);
		rw_json_int(&j, "waiting_for_smtp", (long)res.waiting);
		rw_json_int(&j, "queued_due", counts.due);
		rw_json_int(&j, "queued_later", counts.later);
		rw_json_int(&j, "delivered_total", counts.sent);
		if (dry) {
			rw_json_array(&j, "messages");
			for (i = 0; i < msgs.n; i++)
				json_message(&j, &msgs.v[i], 1);
			rw_json_end(&j);
		}
		rw_json_array(&j, "dead");
		for (i = 0; i < dead.n; i++)
			json_message(&j, &dead.v[i], 0);
		rw_json_end(&j);
		json_skipped(&j, &skipped);
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &out) : EXIT_FAIL;
	} else {
		rc = 0;
		if (dry) {
			for (i = 0; i < msgs.n && rc == 0; i++)
				rc = rw_notify_preview(&c->ctx, &no, &msgs.v[i], &out);
			if (rc == 0)
				rc = rw_buf_printf(&out, "%zu %s would be sent now%s", msgs.n,
						   msgs.n == 1 ? "message" : "messages", counts.later ? "; " : "\n");
			if (rc == 0 && counts.later)
				rc = rw_buf_printf(&out, "%ld queued for a later attempt\n", counts.later);
		} else {
			if (digest)
				rc = rw_buf_printf(&out, "%zu %s queued\n", queued, queued == 1 ? "heartbeat" : "heartbeats");
			if (rc == 0)
				rc = rw_buf_printf(&out, "notifications: %zu sent, %zu to retry, %zu failed for good",
						   res.sent, res.retry, res.dead);
			if (rc == 0 && res.waiting)
				rc = rw_buf_printf(&out, ", %zu waiting for an [smtp] section", res.waiting);
			if (rc == 0 && counts.later)
				rc = rw_buf_printf(&out, ", %ld queued for a later attempt", counts.later);
			if (rc == 0)
				rc = rw_buf_putc(&out, '\n');
		}
		if (rc == 0)
			rc = dead_lines(&out, &dead);
		if (rc == 0)
			rc = skipped_lines(&out, &skipped);
		if (rc < 0)
			status = cli_fail(c, rc == c->ctx.errcode ? rc : rw_error(&c->ctx, RW_ENOMEM, "out of memory"));
		else if (!c->quiet || dead.n || skipped.n)
			status = cli_print(c, rw_buf_cstr(&out), out.len);
	}
	if (status == EXIT_OK && (res.retry > 0 || res.dead > 0))
		status = EXIT_FAIL;
out:
	rw_notify_opts_release(&no);
	rw_outbox_release(&msgs);
	rw_outbox_release(&dead);
	rw_table_release(&skipped);
	rw_buf_release(&out);
	rw_db_close(db);
	free(path);
	return status;
}

void cli_json_notifications(cli *c, struct rw_json *j)
{
	rw_outbox_counts counts;
	rw_outbox dead = {0};
	rw_table skipped;
	size_t i;

	rw_table_init(&skipped, RW_QP_NCOLS);
	if (rw_outbox_count(&c->ctx, c->db, c->ctx.now, &counts) < 0 ||
	    rw_outbox_list(&c->ctx, c->db, "dead", &dead) < 0 || rw_db_queue_problems(&c->ctx, c->db, &skipped) < 0) {
		rw_log(&c->ctx, RW_LOG_WARN, "notifications: %s", rw_errmsg(&c->ctx));
		rw_json_null(j, "notifications");
		rw_outbox_release(&dead);
		rw_table_release(&skipped);
		return;
	}
	rw_json_object(j, "notifications");
	rw_json_int(j, "queued", counts.due + counts.later + counts.sending);
	rw_json_int(j, "delivered", counts.sent);
	rw_json_int(j, "dead", counts.dead);
	rw_json_array(j, "dead_messages");
	for (i = 0; i < dead.n; i++)
		json_message(j, &dead.v[i], 0);
	rw_json_end(j);
	json_skipped(j, &skipped);
	rw_json_end(j);
	rw_outbox_release(&dead);
	rw_table_release(&skipped);
}

int cli_print_notifications(cli *c)
{
	rw_outbox_counts counts;
	rw_outbox dead = {0};
	rw_table skipped;
	rw_buf out = RW_BUF_INIT;
	long queued;
	int status = EXIT_OK;

	rw_table_init(&skipped, RW_QP_NCOLS);
	if (rw_outbox_count(&c->ctx, c->db, c->ctx.now, &counts) < 0 ||
	    rw_outbox_list(&c->ctx, c->db, "dead", &dead) < 0 || rw_db_queue_problems(&c->ctx, c->db, &skipped) < 0) {
		status = cli_fail(c, c->ctx.errcode);
		goto out;
	}
	queued = counts.due + counts.later + counts.sending;
	if (queued > 0)
		rw_buf_printf(&out, "\nnotifications: %ld queued (%ld due now)\n", queued, counts.due);
	if (dead.n > 0) {
		rw_buf_printf(&out, "%snotifications: %zu could not be delivered (dead; see 'regwatch notify')\n",
			      queued > 0 ? "" : "\n", dead.n);
		dead_lines(&out, &dead);
	}
	if (skipped.n > 0) {
		rw_buf_printf(&out, "%snotifications: %zu %s not queued (skipped; see 'regwatch notify')\n",
			      out.len ? "" : "\n", skipped.n, skipped.n == 1 ? "message" : "messages");
		skipped_lines(&out, &skipped);
	}
	if (out.len)
		status = cli_print(c, rw_buf_cstr(&out), out.len);
out:
	rw_outbox_release(&dead);
	rw_table_release(&skipped);
	rw_buf_release(&out);
	return status;
}
