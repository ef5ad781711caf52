#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

char *rw_test_tmpdir(void)
{
	char tmpl[] = "/tmp/regwatch-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	ck_assert_ptr_nonnull(d);
	return rw_strdup(d);
}

void rw_test_rmtree(const char *dir)
{
	char *cmd = rw_asprintf("rm -rf '%s'", dir);

	if (cmd && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

char *rw_test_data(const char *name, size_t *len)
{
	rw_ctx ctx;
	rw_buf b = RW_BUF_INIT;
	char *path = rw_asprintf("%s/%s", RW_TEST_DATA, name);

	rw_ctx_init(&ctx, 0);
	ck_assert_msg(rw_read_file(&ctx, &b, path, 1u << 28) == 0, "%s", rw_errmsg(&ctx));
	free(path);
	return rw_buf_detach(&b, len);
}

char *rw_test_write(const char *dir, const char *name, const char *text)
{
	char *path = rw_asprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

int rw_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
