/* Helpers shared by the unit tests. */
#ifndef RW_TESTUTIL_H
#define RW_TESTUTIL_H

#include <check.h>
#include "regwatch/core.h"

/* A fresh temporary directory (removed by rw_test_rmtree). The caller frees the string. */
char *rw_test_tmpdir(void);
void rw_test_rmtree(const char *dir);
/* Reads tests/data/NAME into a NUL-terminated malloc'd string; *len gets its length. */
char *rw_test_data(const char *name, size_t *len);
/* Writes text to DIR/NAME; returns the malloc'd path. */
char *rw_test_write(const char *dir, const char *name, const char *text);
/* Runs a suite and returns the process exit status. */
int rw_test_run(Suite *s);

#endif
