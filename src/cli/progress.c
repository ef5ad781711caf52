/*
 * update on a terminal: one line per source, rewritten in place as the
 * source moves from waiting to its outcome. Without a terminal, or with -q,
 * nothing is shown. Messages logged while the lines are on screen are
 * printed above them, so the lines stay together at the bottom.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

#define PROGRESS_MIN_WIDTH 20
#define PROGRESS_DEFAULT_WIDTH 80
#define PROGRESS_DEFAULT_HEIGHT 24
#define PROGRESS_NAME 80   /* source names are at most 64 bytes */
#define PROGRESS_WHAT 512

/* The terminal's size: columns and rows. */
static void term_size(int fd, size_t *width, size_t *height)
{
	struct winsize ws;

	*width = PROGRESS_DEFAULT_WIDTH;
	*height = PROGRESS_DEFAULT_HEIGHT;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
		if (ws.ws_col >= PROGRESS_MIN_WIDTH)
			*width = ws.ws_col;
		if (ws.ws_row > 0)
			*height = ws.ws_row;
	}
}

/* The terminal to draw on: stderr, else stdout; NULL when neither is one that can move the cursor. */
static FILE *pick_terminal(const cli *c, int *fd)
{
	const char *term = getenv("TERM");

	if (c->quiet || term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0)
		return NULL;
	if (isatty(STDERR_FILENO)) {
		*fd = STDERR_FILENO;
		return stderr;
	}
	if (isatty(STDOUT_FILENO)) {
		*fd = STDOUT_FILENO;
		return stdout;
	}
	return NULL;
}

/* Writes s, at most max columns of it, with control characters made harmless. */
static void put_clipped(FILE *out, const char *s, size_t max)
{
	size_t cols = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80) {
			if (cols == max)
				break;
			cols++;
		}
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
	}
}

static void erase(cli_progress *p)
{
	if (p->drawn > 0)
		fprintf(p->out, "\r\033[%zuA\033[J", p->drawn);
	p->drawn = 0;
}

/* One source's line: its name and what it is doing. */
struct cli_progress_line {
	char name[PROGRESS_NAME];
	char what[PROGRESS_WHAT];
};

/* One source's line, clipped to the terminal's width. */
static void put_line(cli_progress *p, const struct cli_progress_line *l)
{
	char text[PROGRESS_NAME + PROGRESS_WHAT + 4];

	snprintf(text, sizeof(text), "%-*s  %s", (int)p->name_width, l->name, l->what);
	put_clipped(p->out, text, p->width - 1);
	fputc('\n', p->out);
}

/* Every line again, in place of those on screen. */
static void draw(cli_progress *p)
{
	size_t i;

	erase(p);
	for (i = 0; i < p->n; i++) {
		if (p->lines[i].name[0] == '\0')
			continue;
		fputs("\033[2K", p->out);
		put_line(p, &p->lines[i]);
		p->drawn++;
	}
	fflush(p->out);
}

/* A log message while the lines are shown: above them. */
static void log_above(void *arg, int level, const char *msg)
{
	cli_progress *p = arg;

	erase(p);
	fflush(p->out);
	if (p->log_fn)
		p->log_fn(p->log_arg, level, msg);
	fflush(stderr);
	if (!p->append)
		draw(p);
}

/* "source 'NAME': reason" says the name twice on a line that starts with it. */
static const char *without_source(const char *reason, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(reason, "source '", 8) == 0 && strncmp(reason + 8, name, n) == 0 &&
	    strncmp(reason + 8 + n, "': ", 3) == 0)
		return reason + 8 + n + 3;
	return reason;
}

static void size_text(char *buf, size_t size, size_t bytes)
{
	if (bytes >= (size_t)10 << 20)
		snprintf(buf, size, "%zu MB", (bytes + (1u << 20) - 1) >> 20);
	else
		snprintf(buf, size, "%zu kB", (bytes + 1023) / 1024);
}

static void on_progress(void *arg, const rw_progress *ev)
{
	cli_progress *p = arg;
	struct cli_progress_line *l;
	const char *reason = ev->reason ? without_source(ev->reason, ev->source) : "";
	char sz[32];
	size_t w;

	if (p->lines == NULL) {
		p->lines = calloc(ev->total, sizeof(*p->lines));
		if (p->lines == NULL)
			return;
		p->n = ev->total;
		/* Lines that do not fit on the screen cannot be rewritten in place. */
		p->append = p->n + 1 >= p->height;
	}
	if (ev->index >= p->n)
		return;
	l = &p->lines[ev->index];
	snprintf(l->name, sizeof(l->name), "%s", ev->source);
	w = strlen(l->name);
	if (w > p->name_width)
		p->name_width = w;
	size_text(sz, sizeof(sz), ev->bytes);
	switch (ev->state) {
	case RW_PROGRESS_WAITING:
		snprintf(l->what, sizeof(l->what), "waiting");
		break;
	case RW_PROGRESS_FETCHING:
		if (ev->bytes)
			snprintf(l->what, sizeof(l->what), "fetching %s", sz);
		else
			snprintf(l->what, sizeof(l->what), "fetching");
		break;
	case RW_PROGRESS_UNCHANGED:
		snprintf(l->what, sizeof(l->what), "unchanged");
		break;
	case RW_PROGRESS_PARSED:
		snprintf(l->what, sizeof(l->what), "parsed %ld record%s (%s)", ev->records,
			 ev->records == 1 ? "" : "s", sz);
		break;
	case RW_PROGRESS_QUARANTINED:
		snprintf(l->what, sizeof(l->what), "quarantined: %s", reason);
		break;
	default:
		snprintf(l->what, sizeof(l->what), "failed: %s", reason);
		break;
	}
	if (!p->append)
		draw(p);
	else if (ev->state != RW_PROGRESS_WAITING && ev->state != RW_PROGRESS_FETCHING)
		put_line(p, l);
	fflush(p->out);
}

void cli_progress_start(cli_progress *p, cli *c, rw_update_opts *uo)
{
	int fd = -1;

	memset(p, 0, sizeof(*p));
	p->out = pick_terminal(c, &fd);
	if (p->out == NULL)
		return;
	term_size(fd, &p->width, &p->height);
	p->ctx = &c->ctx;
	p->log_fn = c->ctx.log_fn;
	p->log_arg = c->ctx.log_arg;
	c->ctx.log_fn = log_above;
	c->ctx.log_arg = p;
	uo->progress = on_progress;
	uo->progress_arg = p;
}

void cli_progress_stop(cli_progress *p)
{
	if (p->out == NULL)
		return;
	p->ctx->log_fn = p->log_fn;
	p->ctx->log_arg = p->log_arg;
	fflush(p->out);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}
