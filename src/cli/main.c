/*
 * regwatch: global options, the command table, and the set-up each command
 * needs. The only place that knows about exit statuses.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "regwatch/archive.h"
#include "regwatch/dates.h"
#include "regwatch/fetch.h"
#include "regwatch/parse.h"
#include "regwatch/update.h"

const cli_command cli_commands[] = {
	{"update", cmd_update, CLI_CONFIG | CLI_LIBS, "[--source NAME]... [--no-notify]",
	 "the nightly job: fetch, parse, archive and record every source"},
	{"status", cmd_status, CLI_DB_READ | CLI_DATA_ONLY, "VENDOR [--on DATE] [--as-known-on DATE] [--json]",
	 "statuses in force for a vendor on a date"},
	{"history", cmd_history, CLI_DB_READ | CLI_DATA_ONLY, "VENDOR [--regime ID] [--json]",
	 "every status interval and announcement of a vendor"},
	{"vendors", cmd_vendors, CLI_DB_READ | CLI_DATA_ONLY, "[--json]",
	 "the vendor dictionary and list entries that matched no vendor"},
	{"regimes", cmd_regimes, CLI_CONFIG, "[--json]",
	 "every regime: title, jurisdiction, instrument, evidence, affiliates, the vendors it names"},
	{"sources", cmd_sources, CLI_DB_READ | CLI_DATA_ONLY, "[--json]", "per-source health"},
	{"member", cmd_member, CLI_CONFIG | CLI_LIBS,
	 "add EMAIL [--vendor ID]... [--jurisdiction CODE]... [--inventory FILE] [--webhook URL] | list [--json] | remove EMAIL",
	 "member organisations: what each follows, its inventory, how it is notified"},
	{"notify", cmd_notify, CLI_CONFIG | CLI_LIBS, "[--dry-run] [--digest] [--json]",
	 "deliver queued notifications (--digest: a heartbeat to every member first)"},
	{"diff", cmd_diff, CLI_DB_READ, "[--since WHEN] [--until WHEN] [--inventory FILE] [--all] [--json]",
	 "changes recorded between two runs, dates or instants (default: the last run's)"},
	{"check", cmd_check, CLI_CONFIG | CLI_DB_READ, "INVENTORY.csv [--on DATE] [--fail-on STATUS] [--json]",
	 "assets whose vendor (by manufacturer, brand/OEM, model or chipset) has a status on DATE"},
	{"report", cmd_report, CLI_DB_READ, "[--format html|md] [-o FILE] [--inventory FILE]",
	 "a self-contained status report with a timeline picture"},
	{"rebuild", cmd_rebuild, CLI_CONFIG | CLI_LIBS, "", "re-derive the history from the archive with today's parsers and dictionary"},
	{"sync", cmd_sync, CLI_LIBS, "REMOTE [--push|--pull]",
	 "mirror the archive to or from another git repository (fast-forward only)"},
	{"doctor", cmd_doctor, CLI_CONFIG_CHECK | CLI_LIBS, "[--json]",
	 "check the configuration, data directory, archive, database, sources and libraries"},
	{NULL, NULL, 0, NULL, NULL},
};

static void log_to_stderr(void *arg, int level, const char *msg)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};

	fprintf(stderr, "%s: %s: %s\n", ((const cli *)arg)->prog, names[level], msg);
}

static void print_help(FILE *f, const char *prog)
{
	size_t i;

	fprintf(f, "usage: %s [-c FILE | --config FILE] [-d DIR | --data DIR] [-q] [-v] COMMAND [ARGS]\n"
		   "       %s COMMAND --help\n"
		   "       %s --version\n\n"
		   "commands:\n", prog, prog, prog);
	for (i = 0; cli_commands[i].name; i++)
		fprintf(f, "  %-8s %s\n           %s %s\n", cli_commands[i].name, cli_commands[i].summary,
			cli_commands[i].name, cli_commands[i].usage);
	fprintf(f, "\nexit status: 0 success, 1 failure, 2 usage or configuration error,\n"
		   "3 update finished but a source failed or was quarantined, 4 check found an asset\n");
}

/* regwatch COMMAND --help */
static void print_command_help(FILE *f, const char *prog, const cli_command *cmd)
{
	fprintf(f, "usage: %s [global options] %s%s%s\n\n%s\n\n"
		   "global options: -c, --config FILE; -d, --data DIR; -q, --quiet; -v, --verbose\n"
		   "more in regwatch(1)\n",
		prog, cmd->name, cmd->usage[0] ? " " : "", cmd->usage, cmd->summary);
}

/* --help or -h among a command's arguments (before "--"). */
static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* regwatch's version and that of each library as loaded at run time. */
static int print_version(void)
{
	char v[256];

	printf("regwatch %s\n%s\n", REGWATCH_VERSION, rw_fetch_library_version());
	rw_parse_library_version(v, sizeof(v));
	printf("%s\n", v);
	rw_archive_library_version(v, sizeof(v));
	printf("%s\n", v);
	rw_db_library_version(v, sizeof(v));
	printf("%s\n", v);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "regwatch: writing to standard output failed\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* --config, $REGWATCH_CONFIG, ./feeds.conf, $XDG_CONFIG_HOME/regwatch/feeds.conf, /etc/regwatch/feeds.conf */
static char *find_config(const char *given)
{
	const char *env = getenv("REGWATCH_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p;

	if (given)
		return rw_strdup(given);
	if (env && env[0])
		return rw_strdup(env);
	if (file_exists("feeds.conf"))
		return rw_strdup("feeds.conf");
	p = xdg && xdg[0] ? rw_asprintf("%s/regwatch/feeds.conf", xdg)
			  : home ? rw_asprintf("%s/.config/regwatch/feeds.conf", home) : NULL;
	if (p && file_exists(p))
		return p;
	free(p);
	if (file_exists("/etc/regwatch/feeds.conf"))
		return rw_strdup("/etc/regwatch/feeds.conf");
#ifdef REGWATCH_SYSCONFDIR
	/* An installation under another prefix (/usr/local/etc/regwatch). */
	if (file_exists(REGWATCH_SYSCONFDIR "/feeds.conf"))
		return rw_strdup(REGWATCH_SYSCONFDIR "/feeds.conf");
#endif
	return NULL;
}

/* --data, $REGWATCH_DATA, regwatch.dataDir, $XDG_DATA_HOME/regwatch, ~/.local/share/regwatch */
static char *find_data_dir(const cli *c, const char *given)
{
	const char *env = getenv("REGWATCH_DATA"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (given)
		return rw_strdup(given);
	if (env && env[0])
		return rw_strdup(env);
	if (c->have_feeds && c->feeds.data_dir)
		return rw_strdup(c->feeds.data_dir);
	if (xdg && xdg[0])
		return rw_asprintf("%s/regwatch", xdg);
	return rw_asprintf("%s/.local/share/regwatch", home ? home : ".");
}

/* The invocation's clock: REGWATCH_NOW (RFC 3339) for reproducible runs, else the system clock. */
static int clock_now(cli *c, time_t *now)
{
	const char *env = getenv("REGWATCH_NOW");

	if (env == NULL || env[0] == '\0') {
		*now = time(NULL);
		return 0;
	}
	if (rw_instant_parse(env, now) < 0) {
		fprintf(stderr, "%s: REGWATCH_NOW: '%s' is not an RFC 3339 instant\n", c->prog, env);
		return -1;
	}
	return 0;
}

static int prepare(cli *c, const cli_command *cmd, const char *config_arg, const char *data_arg)
{
	int rc;

	/* A query of the database alone, given its data directory and no --config, needs nothing
	   from feeds.conf (and so none of its start-up cost). */
	if (!(cmd->needs & CLI_DATA_ONLY) || config_arg != NULL ||
	    (data_arg == NULL && (getenv("REGWATCH_DATA") == NULL || getenv("REGWATCH_DATA")[0] == '\0')))
		c->config_path = find_config(config_arg);
	if (c->config_path == NULL && (cmd->needs & CLI_CONFIG)) {
		fprintf(stderr, "%s: no feeds.conf found (give --config FILE or set REGWATCH_CONFIG)\n", c->prog);
		return EXIT_USAGE;
	}
	if (c->config_path) {
		rc = rw_feeds_load(&c->ctx, &c->feeds, c->config_path);
		if (rc < 0 && (cmd->needs & CLI_CONFIG_CHECK)) {
			c->config_error = rw_strdup(rw_errmsg(&c->ctx));
			rw_clear_error(&c->ctx);
		} else if (rc < 0) {
			return cli_fail(c, rc);
		} else {
			c->have_feeds = 1;
		}
	}
	c->data_dir = find_data_dir(c, data_arg);
	if (c->data_dir == NULL) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		return EXIT_FAIL;
	}
	if (cmd->needs & CLI_DB_READ) {
		char *path = rw_data_path(c->data_dir, "regwatch.db");

		rc = path ? rw_db_open(&c->ctx, &c->db, path, RW_DB_READ) : RW_ENOMEM;
		free(path);
		if (rc < 0)
			return cli_fail(c, rc == RW_ENOTFOUND ? RW_ERR : rc);
	}
	return EXIT_OK;
}

static int run(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"data", required_argument, NULL, 'd'},
		{"quiet", no_argument, NULL, 'q'},        {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config_arg = NULL, *data_arg = NULL;
	const cli_command *cmd = NULL;
	size_t i;
	int o, status;

	while ((o = getopt_long(argc, argv, "+c:d:qvh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			config_arg = optarg;
			break;
		case 'd':
			data_arg = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'v':
			c->verbose++;
			break;
		case 'h':
			print_help(stdout, c->prog);
			return EXIT_OK;
		case 'V':
			return print_version();
		default:
			print_help(stderr, c->prog);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_help(stderr, c->prog);
		return EXIT_USAGE;
	}
	for (i = 0; cli_commands[i].name; i++)
		if (strcmp(cli_commands[i].name, argv[optind]) == 0)
			cmd = &cli_commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "%s: unknown command '%s'\n", c->prog, argv[optind]);
		print_help(stderr, c->prog);
		return EXIT_USAGE;
	}
	if (wants_help(argc - optind, argv + optind)) {
		print_command_help(stdout, c->prog, cmd);
		return EXIT_OK;
	}
	c->ctx.verbosity = c->quiet ? RW_LOG_ERROR : RW_LOG_WARN + c->verbose;
	if (cmd->needs & CLI_LIBS) {
		if (rw_fetch_global_init(&c->ctx) < 0 || rw_archive_global_init(&c->ctx) < 0) {
			fprintf(stderr, "%s: %s\n", c->prog, rw_errmsg(&c->ctx));
			return EXIT_FAIL;
		}
		rw_parse_global_init();
		c->libs_ready = 1;
	}
	status = prepare(c, cmd, config_arg, data_arg);
	if (status != EXIT_OK)
		return status;
	argc -= optind;
	argv += optind;
	optind = 0; /* each command parses its own options with getopt_long from the start */
	return cmd->run(c, argc, argv);
}

int main(int argc, char **argv)
{
	cli c;
	time_t now;
	int status;

	memset(&c, 0, sizeof(c));
	c.prog = "regwatch";
	umask(077);
	if (clock_now(&c, &now) < 0)
		return EXIT_USAGE;
	rw_ctx_init(&c.ctx, now);
	c.ctx.log_fn = log_to_stderr;
	c.ctx.log_arg = &c;
	c.ctx.fault = getenv("REGWATCH_FAULT");
	status = run(&c, argc, argv);
	rw_db_close(c.db);
	if (c.have_feeds)
		rw_feeds_release(&c.feeds);
	free(c.config_path);
	free(c.config_error);
	free(c.data_dir);
	if (c.libs_ready) {
		rw_parse_global_cleanup();
		rw_archive_global_cleanup();
		rw_fetch_global_cleanup();
	}
	return status;
}
