/* regwatch diff [--since WHEN] [--until WHEN] [--inventory FILE] [--all]: the changes recorded
   between two points, and the assets they newly affect or stop affecting. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regwatch/diff.h"
#include "regwatch/impact.h"
#include "regwatch/inventory.h"

int cli_print_changes(cli *c, const rw_changes *changes, const char *indent)
{
	rw_buf out = RW_BUF_INIT;
	long run = -1;
	size_t i;
	int rc = 0, status, several = 0;

	for (i = 1; i < changes->n && !several; i++)
		several = changes->v[i].run != changes->v[0].run;
	for (i = 0; i < changes->n && rc == 0; i++) {
		const rw_change *ch = &changes->v[i];

		if (several && run != ch->run) {
			run = ch->run;
			rc = rw_buf_printf(&out, "%srun #%ld (%s)\n", indent, run, ch->recorded_at);
		}
		if (rc == 0)
			rc = rw_buf_printf(&out, "%s%s", indent, several ? "  " : "");
		if (rc == 0)
			rc = rw_diff_describe(&out, ch);
		if (rc == 0)
			rc = rw_buf_putc(&out, '\n');
	}
	status = rc == 0 ? cli_print(c, rw_buf_cstr(&out), out.len) : EXIT_FAIL;
	rw_buf_release(&out);
	return status;
}

/* Prints the rows an inventory skipped (and its warnings) on stderr, -q or not: a skipped
   row is an asset left unchecked. */
void cli_print_problems(cli *c, const rw_strvec *problems)
{
	size_t i;

	for (i = 0; i < problems->n; i++)
		fprintf(stderr, "%s: %s\n", c->prog, problems->v[i]);
}

/* Drops the changes of kind evidence from t (only --all shows them); returns how many. */
static size_t hide_evidence(rw_changes *t)
{
	size_t i, keep = 0, hidden;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].kind, "evidence") == 0) {
			rw_change_release(&t->v[i]);
			continue;
		}
		t->v[keep++] = t->v[i];
	}
	hidden = t->n - keep;
	t->n = keep;
	return hidden;
}

static int describe_points(rw_buf *out, const rw_point *since, const rw_point *until, size_t n)
{
	if (until->run == 0)
		return rw_buf_puts(out, "no run recorded yet\n");
	if (since->run + 1 == until->run)
		return rw_buf_printf(out, "run #%ld (%s): %zu change%s\n", until->run, until->at, n, n == 1 ? "" : "s");
	if (since->run == until->run)
		return rw_buf_printf(out, "no run after run #%ld (%s)\n", until->run, until->at);
	return rw_buf_printf(out, "runs #%ld to #%ld (%s to %s): %zu change%s\n", since->run + 1, until->run,
			     since->run ? since->at : "the first", until->at, n, n == 1 ? "" : "s");
}

int cmd_diff(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"inventory", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *since_arg = NULL, *until_arg = NULL, *inv_path = NULL;
	rw_point since, until;
	rw_changes changes = {0};
	rw_dict dict = {0};
	rw_inventory inv;
	rw_reach *reach = NULL;
	rw_effects da = {0};
	rw_buf doc = RW_BUF_INIT;
	rw_json j;
	size_t i, hidden = 0;
	int o, rc, json = 0, all = 0, status = EXIT_OK;

	rw_inventory_init(&inv);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 's') {
			since_arg = optarg;
		} else if (o == 'u') {
			until_arg = optarg;
		} else if (o == 'i') {
			inv_path = optarg;
		} else if (o == 'j') {
			json = 1;
		} else if (o == 'a') {
			all = 1;
		} else {
			status = cli_usage(c, "diff", "unknown option");
			goto out;
		}
	}
	if (optind < argc) {
		status = cli_usage(c, "diff", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (inv_path && !c->have_feeds) {
		status = cli_usage(c, "diff", "--inventory needs the vendor dictionary: no feeds.conf found (give --config)");
		goto out;
	}
	rc = rw_diff_points(&c->ctx, c->db, since_arg, until_arg, &since, &until);
	if (rc == RW_EUSAGE) {
		status = cli_usage(c, "diff", "%s", rw_errmsg(&c->ctx));
		goto out;
	}
	if (rc == 0)
		rc = rw_db_changes(&c->ctx, c->db, since.run, until.run, &changes);
	if (rc == 0 && !all)
		hidden = hide_evidence(&changes);
	if (rc == 0 && inv_path) {
		rc = rw_dict_load(&c->ctx, &dict, c->feeds.vendors_path);
		if (rc == 0)
			rc = rw_inventory_load(&c->ctx, &inv, inv_path);
		if (rc == 0) {
			cli_print_problems(c, &inv.problems);
			rc = rw_reach_new(&c->ctx, &reach, c->db, &dict);
		}
		if (rc == 0)
			rc = rw_effects_run(&c->ctx, reach, &inv, &changes, &since, &until, &da);
	}
	if (rc < 0) {
		status = cli_fail(c, rc == RW_EIO ? RW_EUSAGE : rc);
		goto out;
	}
	if (json) {
		rw_json_init(&j, &doc);
		rw_json_object(&j, NULL);
		rw_json_str_or_null(&j, "since", since.at);
		rw_json_str_or_null(&j, "until", until.at);
		rw_json_int(&j, "since_run", since.run);
		rw_json_int(&j, "until_run", until.run);
		/* Changes of only evidence, citation or note left out (none with --all). */
		rw_json_int(&j, "hidden_evidence", (long)hidden);
		rw_json_array(&j, "changes");
		for (i = 0; i < changes.n; i++)
			rw_diff_json_change(&j, &changes.v[i]);
		rw_json_end(&j);
		if (inv_path) {
			rw_json_array(&j, "affected_assets");
			for (i = 0; i < da.n; i++)
				rw_effects_json_asset(&j, &inv, &changes, &da.v[i]);
			rw_json_end(&j);
			rw_json_object(&j, "inventory");
			rw_json_str(&j, "name", inv_path);
			rw_json_int(&j, "assets", (long)inv.n);
			rw_json_int(&j, "skipped", (long)inv.skipped);
			rw_json_array(&j, "problems");
			for (i = 0; i < inv.problems.n; i++)
				rw_json_str(&j, NULL, inv.problems.v[i]);
			rw_json_end(&j);
			rw_json_end(&j);
		}
		rw_json_end(&j);
		status = rw_json_finish(&j) == 0 ? cli_print_json(c, &doc) : EXIT_FAIL;
		goto out;
	}
	rc = describe_points(&doc, &since, &until, changes.n);
	status = rc == 0 ? cli_print(c, rw_buf_cstr(&doc), doc.len) : EXIT_FAIL;
	if (status == EXIT_OK)
		status = cli_print_changes(c, &changes, "  ");
	if (status == EXIT_OK && hidden) {
		rw_buf_clear(&doc);
		rc = rw_buf_printf(&doc, "%zu change%s of only evidence, citation or note hidden (diff --all shows %s)\n",
				   hidden, hidden == 1 ? "" : "s", hidden == 1 ? "it" : "them");
		status = rc == 0 ? cli_print(c, rw_buf_cstr(&doc), doc.len) : EXIT_FAIL;
	}
	if (status == EXIT_OK && inv_path) {
		rw_buf_clear(&doc);
		if (da.n == 0)
			rc = rw_buf_printf(&doc, "\nno asset of '%s' (%zu assets) is affected by these changes\n", inv_path,
					   inv.n);
		else
			rc = rw_buf_printf(&doc, "\nassets of '%s' (%zu assets) these changes affect: %zu\n", inv_path,
					   inv.n, da.n);
		for (i = 0; i < da.n && rc == 0; i++)
			rc = rw_effects_describe_asset(&doc, "  ", &inv, &changes, &da.v[i]);
		status = rc == 0 ? cli_print(c, rw_buf_cstr(&doc), doc.len) : EXIT_FAIL;
	}
out:
	rw_effects_release(&da);
	rw_reach_free(reach);
	rw_inventory_release(&inv);
	rw_dict_release(&dict);
	rw_changes_release(&changes);
	rw_buf_release(&doc);
	return status;
}
