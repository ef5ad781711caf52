/* Core pieces: the UTF-8 decoder and repair, Windows-1252, the JSON writer, array growth,
   edit distance, buffer limits and the state's TSV form. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/array.h"
#include "regwatch/json.h"
#include "regwatch/state.h"
#include "regwatch/strutil.h"
#include "regwatch/utf8.h"

#define FFFD RW_UTF8_REPLACEMENT

/* s repaired, as a string the test owns. */
static char *repaired(const char *s)
{
	char *r = rw_utf8_repaired(s, strlen(s));

	ck_assert_ptr_nonnull(r);
	return r;
}

static void assert_repair(const char *in, const char *want, size_t want_replaced)
{
	rw_buf b = RW_BUF_INIT;
	size_t replaced = 99;

	ck_assert_int_eq(rw_utf8_repair(&b, in, strlen(in), &replaced), 0);
	ck_assert_str_eq(rw_buf_cstr(&b), want);
	ck_assert_uint_eq(replaced, want_replaced);
	ck_assert(rw_utf8_valid(rw_buf_cstr(&b), b.len));
	rw_buf_release(&b);
}

START_TEST(utf8_decoder)
{
	size_t used;

	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"A", 1, &used), 'A');
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xC3\xA9", 2, &used), 0xE9);
	ck_assert_uint_eq(used, 2);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xE2\x80\x99", 3, &used), 0x2019);
	ck_assert_uint_eq(used, 3);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xF0\x9F\x93\xB9", 4, &used), 0x1F4F9);
	ck_assert_uint_eq(used, 4);
	/* a Windows-1252 byte, a lone continuation byte */
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xE9x", 2, &used), -1);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\x92", 1, &used), -1);
	ck_assert_uint_eq(used, 1);
	/* overlong forms, a surrogate, past U+10FFFF */
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xC0\xAF", 2, &used), -1);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xE0\x80\xAF", 3, &used), -1);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &used), -1);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &used), -1);
	/* a truncated sequence is one error of its own length */
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xE2\x80", 2, &used), -1);
	ck_assert_uint_eq(used, 2);
	ck_assert_int_eq(rw_utf8_decode((const unsigned char *)"\xE2\x80x", 3, &used), -1);
	ck_assert_uint_eq(used, 2);
}
END_TEST

START_TEST(utf8_valid_and_repair)
{
	char *r;

	ck_assert(rw_utf8_valid("Caf\xC3\xA9 \xE2\x80\x93 ok", 13));
	ck_assert(!rw_utf8_valid("Caf\xE9", 4));
	ck_assert(!rw_utf8_valid("Council\x92s", 9));
	ck_assert(!rw_utf8_valid("a \x96 b", 5));
	ck_assert(!rw_utf8_valid("\xC0\x80", 2));
	ck_assert(!rw_utf8_valid("\xED\xBF\xBF", 3));
	ck_assert(!rw_utf8_valid("\xF0\x9F\x93", 3));
	ck_assert(rw_utf8_valid("", 0));

	assert_repair("Caf\xE9", "Caf" FFFD, 1);
	assert_repair("Council\x92s Depot \x96 North", "Council" FFFD "s Depot " FFFD " North", 2);
	assert_repair("\x80\xBF", FFFD FFFD, 2);
	assert_repair("\xC0\xAF/", FFFD FFFD "/", 2);
	assert_repair("\xED\xA0\x80", FFFD FFFD FFFD, 3);
	assert_repair("x\xF0\x9F\x93", "x" FFFD, 1);
	assert_repair("ok \xC3\xA9", "ok \xC3\xA9", 0);

	r = repaired("Dahua \xE9quipement");
	ck_assert_str_eq(r, "Dahua " FFFD "quipement");
	free(r);
	r = rw_utf8_repaired("", 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r, "");
	free(r);
}
END_TEST

START_TEST(cp1252_through_iconv)
{
	rw_buf b = RW_BUF_INIT;
	const char in[] = "Caf\xE9 \x92quoted\x92 \x96 \x80 \x81";

	ck_assert_int_eq(rw_utf8_from_cp1252(&b, in, sizeof(in) - 1), 0);
	ck_assert_str_eq(rw_buf_cstr(&b), "Caf\xC3\xA9 \xE2\x80\x99quoted\xE2\x80\x99 \xE2\x80\x93 \xE2\x82\xAC " FFFD);
	rw_buf_release(&b);
}
END_TEST

/* The JSON text of one string member. */
static char *json_of(const char *s)
{
	rw_buf b = RW_BUF_INIT;
	rw_json j;

	rw_json_init(&j, &b);
	rw_json_object(&j, NULL);
	rw_json_str(&j, "v", s);
	rw_json_end(&j);
	ck_assert_int_eq(rw_json_finish(&j), 0);
	return rw_buf_detach(&b, NULL);
}

START_TEST(json_strings_always_valid)
{
	char *t;

	t = json_of("a\"b\\c\nd\te\x01");
	ck_assert_str_eq(t, "{\"v\": \"a\\\"b\\\\c\\nd\\te\\u0001\"}\n");
	free(t);
	t = json_of("Caf\xC3\xA9 \xE2\x80\x99");
	ck_assert_str_eq(t, "{\"v\": \"Caf\xC3\xA9 \xE2\x80\x99\"}\n");
	free(t);
	t = json_of("Caf\xE9 \x92s \x96 \x80\xBF \xC0\xAF \xED\xA0\x80 \xF0\x9F");
	ck_assert_str_eq(t, "{\"v\": \"Caf" FFFD " " FFFD "s " FFFD " " FFFD FFFD " " FFFD FFFD " " FFFD FFFD FFFD " " FFFD "\"}\n");
	ck_assert(rw_utf8_valid(t, strlen(t)));
	free(t);
	t = json_of("\xE9\"");
	ck_assert_str_eq(t, "{\"v\": \"" FFFD "\\\"\"}\n");
	free(t);
}
END_TEST

START_TEST(json_errors_stay_first)
{
	rw_buf b = RW_BUF_INIT;
	rw_json j;
	int i;

	/* an extra end reports an error, and does not replace an earlier one */
	rw_json_init(&j, &b);
	rw_json_end(&j);
	ck_assert_int_eq(rw_json_finish(&j), RW_ERR);
	rw_buf_release(&b);

	rw_json_init(&j, &b);
	for (i = 0; i < RW_JSON_MAXDEPTH; i++)
		rw_json_array(&j, NULL);
	ck_assert_int_eq(j.rc, RW_ELIMIT);
	for (i = 0; i < RW_JSON_MAXDEPTH + 2; i++)
		rw_json_end(&j);
	ck_assert_int_eq(rw_json_finish(&j), RW_ELIMIT);
	rw_buf_release(&b);

	rw_buf_init(&b, 8);
	rw_json_init(&j, &b);
	rw_json_object(&j, NULL);
	rw_json_str(&j, "key", "a value longer than eight bytes");
	rw_json_end(&j);
	rw_json_end(&j);
	ck_assert_int_eq(rw_json_finish(&j), RW_ELIMIT);
	rw_buf_release(&b);
}
END_TEST

START_TEST(array_growth)
{
	int *v = NULL;
	size_t cap = 0, i;
	void *p;

	ck_assert_int_eq(rw_array_grow((void **)&v, &cap, 1, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 16);
	for (i = 0; i < cap; i++)
		ck_assert_int_eq(v[i], 0);
	v[15] = 7;
	ck_assert_int_eq(rw_array_grow((void **)&v, &cap, 17, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 32);
	ck_assert_int_eq(v[15], 7);
	ck_assert_int_eq(v[31], 0);
	ck_assert_int_eq(rw_array_grow((void **)&v, &cap, 20, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 32);
	/* sizes that would wrap are refused, and the array stays as it was */
	p = v;
	ck_assert_int_eq(rw_array_grow((void **)&v, &cap, SIZE_MAX / 2 + 2, sizeof(*v)), RW_ELIMIT);
	ck_assert_int_eq(rw_array_grow((void **)&v, &cap, SIZE_MAX / 4, 64), RW_ELIMIT);
	ck_assert_ptr_eq(v, p);
	ck_assert_uint_eq(cap, 32);
	ck_assert_int_eq(v[15], 7);
	free(v);
}
END_TEST

START_TEST(edit_distance)
{
	ck_assert_uint_eq(rw_edit_distance("hikvision", "hikvision"), 0);
	ck_assert_uint_eq(rw_edit_distance("hikvision", "hikvison"), 1);
	ck_assert_uint_eq(rw_edit_distance("dahua", "dahau"), 2);
	ck_assert_uint_eq(rw_edit_distance("", "zte"), 3);
	ck_assert_uint_eq(rw_edit_distance("Huawei", "huawei"), 0);
}
END_TEST

START_TEST(buffer_limits)
{
	rw_buf b;

	rw_buf_init(&b, 10);
	ck_assert_int_eq(rw_buf_append(&b, "0123456789", 10), 0);
	ck_assert_int_eq(rw_buf_putc(&b, 'x'), RW_ELIMIT);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq(rw_buf_cstr(&b), "0123456789");
	ck_assert_int_eq(rw_buf_printf(&b, "%d", 1), RW_ELIMIT);
	rw_buf_release(&b);

	/* no limit given: what cannot be allocated is RW_ENOMEM or the implicit bound, never silent */
	rw_buf_init(&b, 0);
	ck_assert_int_eq(rw_buf_append(&b, "", SIZE_MAX / 2 + 1), RW_ELIMIT);
	ck_assert_uint_eq(b.len, 0);
	rw_buf_release(&b);
}
END_TEST

START_TEST(read_file_limit_named)
{
	rw_ctx ctx;
	rw_buf b = RW_BUF_INIT;
	char *dir = rw_test_tmpdir(), *path = rw_test_write(dir, "f.txt", "twelve bytes");

	rw_ctx_init(&ctx, 0);
	ck_assert_int_eq(rw_read_file(&ctx, &b, path, 5), RW_ELIMIT);
	ck_assert_ptr_nonnull(strstr(rw_errmsg(&ctx), "larger than 5 bytes"));
	ck_assert_int_eq(rw_read_file(&ctx, &b, path, 100), 0);
	ck_assert_str_eq(rw_buf_cstr(&b), "twelve bytes");
	rw_buf_release(&b);
	rw_test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(state_tsv_round_trip)
{
	rw_ctx ctx;
	rw_table t, back;
	rw_buf tsv = RW_BUF_INIT, again = RW_BUF_INIT;
	const char *r1[] = {"fcc", "hikvision", "Caf\xC3\xA9\tcol\nline", ""};
	const char *r2[] = {"ofac", NULL, "x", "2021-06-03"};
	size_t i;

	rw_ctx_init(&ctx, 0);
	rw_table_init(&t, 4);
	ck_assert_int_eq(rw_table_add(&t, r1), 0);
	ck_assert_int_eq(rw_table_add(&t, r2), 0);
	ck_assert_int_eq(rw_table_to_tsv(&t, &tsv), 0);
	rw_table_init(&back, 4);
	ck_assert_msg(rw_table_from_tsv(&ctx, &back, tsv.data, tsv.len, "state") == 0, "%s", rw_errmsg(&ctx));
	ck_assert_uint_eq(back.n, 2);
	for (i = 0; i < 2; i++)
		ck_assert(rw_row_equal(&t.v[i], &back.v[i], 4));
	/* tabs and line breaks in a field became spaces; NULL became "" */
	ck_assert_str_eq(back.v[0].f[2], "Caf\xC3\xA9 col line");
	ck_assert_str_eq(back.v[1].f[1], "");
	ck_assert_int_eq(rw_table_to_tsv(&back, &again), 0);
	ck_assert_str_eq(rw_buf_cstr(&again), rw_buf_cstr(&tsv));
	rw_table_release(&back);

	/* a line with the wrong number of fields is refused */
	rw_table_init(&back, 4);
	ck_assert_int_ne(rw_table_from_tsv(&ctx, &back, "a\tb\n", 4, "state"), 0);
	rw_table_release(&back);

	rw_buf_release(&tsv);
	rw_buf_release(&again);
	rw_table_release(&t);
}
END_TEST

START_TEST(table_column_bound)
{
	rw_table t;
	const char *f[RW_ROW_MAXCOLS + 1] = {0};

	rw_table_init(&t, RW_ROW_MAXCOLS + 1);
	ck_assert_int_eq(rw_table_add(&t, f), RW_ELIMIT);
	ck_assert_uint_eq(t.n, 0);
	rw_table_release(&t);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, utf8_decoder);
	tcase_add_test(tc, utf8_valid_and_repair);
	tcase_add_test(tc, cp1252_through_iconv);
	tcase_add_test(tc, json_strings_always_valid);
	tcase_add_test(tc, json_errors_stay_first);
	tcase_add_test(tc, array_growth);
	tcase_add_test(tc, edit_distance);
	tcase_add_test(tc, buffer_limits);
	tcase_add_test(tc, read_file_limit_named);
	tcase_add_test(tc, state_tsv_round_trip);
	tcase_add_test(tc, table_column_bound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(core_suite());
}
