/* The string-to-index map: finding, replacing, growing past its first size, keys it copies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/hmap.h"

START_TEST(empty_map_finds_nothing)
{
	rw_hmap h = RW_HMAP_INIT;

	ck_assert_ptr_null(rw_hmap_find(&h, "CAM-1"));
	ck_assert_ptr_null(rw_hmap_find(&h, ""));
	rw_hmap_release(&h);
	ck_assert_uint_eq(h.n, 0);
}
END_TEST

START_TEST(put_find_and_replace)
{
	rw_hmap h;
	const rw_hmap_entry *e;
	char key[16];

	rw_hmap_init(&h);
	ck_assert_int_eq(rw_hmap_put(&h, "Town Hall", 0), 0);
	ck_assert_int_eq(rw_hmap_put(&h, "Depot", 1), 0);
	ck_assert_int_eq(rw_hmap_put(&h, "", 2), 0); /* assets without a site */
	ck_assert_uint_eq(h.n, 3);
	e = rw_hmap_find(&h, "Depot");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->key, "Depot");
	ck_assert_uint_eq(e->value, 1);
	ck_assert_uint_eq(rw_hmap_find(&h, "")->value, 2);
	/* Case and blanks count: these are other keys. */
	ck_assert_ptr_null(rw_hmap_find(&h, "depot"));
	ck_assert_ptr_null(rw_hmap_find(&h, "Depot "));
	/* A key held already gets the new value; the count does not change. */
	ck_assert_int_eq(rw_hmap_put(&h, "Depot", 7), 0);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_uint_eq(rw_hmap_find(&h, "Depot")->value, 7);
	/* The map copies its keys: the caller's buffer may change. */
	snprintf(key, sizeof(key), "%s", "Annexe");
	ck_assert_int_eq(rw_hmap_put(&h, key, 9), 0);
	snprintf(key, sizeof(key), "%s", "Garage");
	ck_assert_uint_eq(rw_hmap_find(&h, "Annexe")->value, 9);
	ck_assert_ptr_null(rw_hmap_find(&h, "Garage"));
	rw_hmap_release(&h);
	ck_assert_ptr_null(h.v);
	ck_assert_uint_eq(h.cap, 0);
	/* Reusable after release. */
	ck_assert_int_eq(rw_hmap_put(&h, "again", 4), 0);
	ck_assert_uint_eq(rw_hmap_find(&h, "again")->value, 4);
	rw_hmap_release(&h);
}
END_TEST

/* Well past the first table size, so it grows several times and keeps every entry. */
START_TEST(grows_and_keeps_everything)
{
	rw_hmap h = RW_HMAP_INIT;
	char key[32];
	size_t i;

	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "CAM-%06zu", i);
		ck_assert_int_eq(rw_hmap_put(&h, key, i * 3), 0);
	}
	ck_assert_uint_eq(h.n, 100000);
	/* At most half full, and a power of two. */
	ck_assert_uint_ge(h.cap, 2 * h.n);
	ck_assert_uint_eq(h.cap & (h.cap - 1), 0);
	for (i = 0; i < 100000; i++) {
		const rw_hmap_entry *e;

		snprintf(key, sizeof(key), "CAM-%06zu", i);
		e = rw_hmap_find(&h, key);
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(e->value, i * 3);
	}
	ck_assert_ptr_null(rw_hmap_find(&h, "CAM-100000"));
	ck_assert_ptr_null(rw_hmap_find(&h, "CAM-"));
	rw_hmap_release(&h);
}
END_TEST

static Suite *hmap_suite(void)
{
	Suite *s = suite_create("hmap");
	TCase *tc = tcase_create("map");

	tcase_add_test(tc, empty_map_finds_nothing);
	tcase_add_test(tc, put_find_and_replace);
	tcase_add_test(tc, grows_and_keeps_everything);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(hmap_suite());
}
