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
int cmd_rebuild(cli *c, int argc, char **argv);

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

/* Parses --on / --as-known-on style dates; prints a usage error on failure. */
int cli_date_arg(cli *c, const char *cmd, const char *opt, const char *arg, char out[11]);


#include "regwatch/json.h"
/* One interval (RW_Q_* columns) as a JSON object. */
void cli_json_interval(rw_json *j, const rw_row *r);
/* The columns of an interval table for people. */
extern const cli_column cli_interval_columns[];
extern const size_t cli_interval_ncolumns;

#endif
