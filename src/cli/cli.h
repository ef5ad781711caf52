/* The command-line program: shared state of one invocation and the command table. */
#ifndef REGWATCH_CLI_H
#define REGWATCH_CLI_H

#include <stdio.h>
#include "regwatch/config.h"
#include "regwatch/core.h"
#include "regwatch/history.h"
#include "regwatch/state.h"
#include "regwatch/update.h"

/* What a command needs main to prepare. */
enum {
	CLI_CONFIG = 1 << 0,   /* feeds.conf must be found and valid */
	CLI_DB_READ = 1 << 1,  /* the database, opened read-only */
	CLI_LIBS = 1 << 2,     /* libcurl, libgit2 and libxml2 set up (queries skip their start-up cost) */
	CLI_DATA_ONLY = 1 << 3, /* reads only the database: feeds.conf is not read when --data is given */
	CLI_CONFIG_CHECK = 1 << 8, /* a feeds.conf that fails to load is the command's to report (config_error) */
};

/* Exit statuses (SPEC.md). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3, EXIT_FOUND = 4 };

typedef struct cli {
	rw_ctx ctx;
	const char *prog;
	char *config_path;     /* the feeds.conf in use, or NULL */
	char *data_dir;
	rw_feeds feeds;
	int have_feeds;
	rw_db *db;
	int quiet;
	int verbose;
	char *config_error;    /* CLI_CONFIG_CHECK: why feeds.conf did not load, or NULL */
	int libs_ready;        /* CLI_LIBS set-up done: clean up at exit */
} cli;

typedef struct cli_command {
	const char *name;
	int (*run)(cli *c, int argc, char **argv);
	unsigned needs;
	const char *usage;
	const char *summary;
} cli_command;

int cmd_update(cli *c, int argc, char **argv);
int cmd_status(cli *c, int argc, char **argv);
int cmd_history(cli *c, int argc, char **argv);
int cmd_vendors(cli *c, int argc, char **argv);
int cmd_sources(cli *c, int argc, char **argv);
int cmd_regimes(cli *c, int argc, char **argv);
int cmd_member(cli *c, int argc, char **argv);
int cmd_notify(cli *c, int argc, char **argv);
/* The outbox's state for `sources` (cmd_notify.c): a "notifications" member of the open
   JSON object, or lines after the table (nothing when the outbox is empty and healthy). */
struct rw_json;
void cli_json_notifications(cli *c, struct rw_json *j);
int cli_print_notifications(cli *c);
int cmd_diff(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);
/* Recorded changes for people (rw_diff_describe), one a line, by run when several (cmd_diff.c). */
int cli_print_changes(cli *c, const rw_changes *changes, const char *indent);
/* An inventory's skipped rows and warnings, on stderr (cmd_diff.c). */
void cli_print_problems(cli *c, const rw_strvec *problems);
int cmd_report(cli *c, int argc, char **argv);
int cmd_rebuild(cli *c, int argc, char **argv);
int cmd_sync(cli *c, int argc, char **argv);
int cmd_doctor(cli *c, int argc, char **argv);

/* The dictionary and baseline that update and rebuild read, with their texts for the archive. */
typedef struct cli_dictionary {
	rw_dict dict;
	rw_regimes regimes;
	rw_buf dict_text;
	rw_buf regimes_text;
} cli_dictionary;

/* Loads the dictionary and baseline of c->feeds; prints the error and returns an exit status. */
int cli_dictionary_load(cli *c, cli_dictionary *d);
void cli_dictionary_release(cli_dictionary *d);
/* Options for rw_update / rw_rebuild from the invocation and a loaded dictionary. */
void cli_update_opts(cli *c, const cli_dictionary *d, rw_update_opts *uo);

/* Live per-source lines of update on a terminal (progress.c): start sets uo's callback
   when c is not quiet and stderr or stdout is a terminal; stop leaves the lines on screen. */
struct cli_progress_line;
typedef struct cli_progress {
	FILE *out;                       /* the terminal drawn on, or NULL */
	size_t width;                    /* its columns */
	size_t height;                   /* its rows */
	int append;                      /* more sources than rows: print each outcome once instead */
	struct cli_progress_line *lines; /* one per source */
	size_t n;
	size_t name_width;
	size_t drawn;                    /* lines now on screen */
	rw_ctx *ctx;
	rw_log_fn log_fn;                /* the logger wrapped while lines are shown */
	void *log_arg;
} cli_progress;
void cli_progress_start(cli_progress *p, cli *c, rw_update_opts *uo);
void cli_progress_stop(cli_progress *p);

/* Maps a library error code to an exit status, printing the context's message. */
int cli_fail(cli *c, int rc);
/* A usage error for command cmd: prints the message and the usage line, returns EXIT_USAGE. */
int cli_usage(cli *c, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes text to stdout; a failed write is an error (EXIT_FAIL). */
int cli_print(cli *c, const char *text, size_t len);
int cli_print_json(cli *c, rw_buf *doc);

/* A readable table: headers, then rows of the given columns of t. */
typedef struct cli_column {
	const char *header;
	size_t col;
} cli_column;
int cli_print_table(cli *c, const rw_table *t, const cli_column *cols, size_t ncols);

/* Options of a command whose only option is --json (nor any argument): EXIT_OK or a usage error. */
int cli_json_only(cli *c, const char *cmd, int argc, char **argv, int *json);

/* Parses --on / --as-known-on style dates; prints a usage error on failure. */
int cli_date_arg(cli *c, const char *cmd, const char *opt, const char *arg, char out[11]);


#include "regwatch/json.h"
/* One interval (RW_Q_* columns) as a JSON object. */
void cli_json_interval(rw_json *j, const rw_row *r);
/* One line per interval of t (RW_Q_NCOLS) a live list dropped without the removal being
   confirmed: "REGIME STATUS: dropped from SOURCE on DATE, removal not confirmed". */
int cli_print_removals(cli *c, const rw_table *t);
/* The columns of an interval table for people. */
extern const cli_column cli_interval_columns[];
extern const size_t cli_interval_ncolumns;
/* After such a table: what CONF means, and the rows whose evidence is secondary. */
int cli_print_interval_legend(cli *c, const rw_table *t);

#endif
