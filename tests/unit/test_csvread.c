/* The RFC 4180 reader: quoting, line ends, line numbers, errors and recovery, limits, header lookup. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "regwatch/csvread.h"

/* Reads every row of data; returns them as "a|b|c@LINE" lines, errors as "!LINE:code:message". */
static char *dump(const char *data, size_t len, size_t max_field, size_t max_fields)
{
	rw_ctx ctx;
	rw_csv_reader r;
	rw_strvec row = RW_STRVEC_INIT;
	rw_buf out = RW_BUF_INIT;
	long line;
	size_t i;
	int rc;

	rw_ctx_init(&ctx, 0);
	rw_csv_init(&r, data, len);
	rw_csv_set_limits(&r, max_field, max_fields);
	while ((rc = rw_csv_next(&ctx, &r, &row, &line)) != 0) {
		if (rc < 0) {
			ck_assert_uint_eq(row.n, 0);
			ck_assert_int_ne(rc, RW_ENOMEM);
			rw_buf_printf(&out, "!%ld:%d:%s\n", line, rc, rw_errmsg(&ctx));
			continue;
		}
		for (i = 0; i < row.n; i++)
			rw_buf_printf(&out, "%s%s", i ? "|" : "", row.v[i]);
		rw_buf_printf(&out, "@%ld\n", line);
	}
	rw_strvec_release(&row);
	rw_csv_release(&r);
	return rw_buf_detach(&out, NULL);
}

#define CHECK_CSV(data, expected)                                       \
	do {                                                            \
		char *got_ = dump((data), strlen(data), 0, 0);          \
		ck_assert_str_eq(got_, (expected));                     \
		free(got_);                                             \
	} while (0)

START_TEST(plain_rows_and_line_ends)
{
	CHECK_CSV("a,b,c\n1,2,3\n", "a|b|c@1\n1|2|3@2\n");
	CHECK_CSV("a,b,c\r\n1,2,3\r\n", "a|b|c@1\n1|2|3@2\n");
	/* a last line without a line end, mixed line ends, a lone CR */
	CHECK_CSV("a,b\r\n1,2\n3,4\r5,6", "a|b@1\n1|2@2\n3|4@3\n5|6@4\n");
	/* blank lines are skipped but counted */
	CHECK_CSV("a\n\n\r\nb\n\n", "a@1\nb@4\n");
	/* empty fields, a trailing comma, blanks kept inside unquoted fields */
	CHECK_CSV(",,\nx,\n -0- ,y\n", "||@1\nx|@2\n -0- |y@3\n");
	CHECK_CSV("", "");
	CHECK_CSV("\r\n\n", "");
}
END_TEST

START_TEST(quoting)
{
	/* commas, doubled quotes, an empty quoted field */
	CHECK_CSV("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "a,b|say \"hi\"|@1\n");
	/* a line break inside quotes: the next row's line number counts it */
	CHECK_CSV("\"Building 1,\nShenzhen\",CN\nnext,row\n", "Building 1,\nShenzhen|CN@1\nnext|row@3\n");
	CHECK_CSV("\"x\r\ny\",z\r\nnext,row\r\n", "x\r\ny|z@1\nnext|row@3\n");
	/* a quote inside an unquoted field is kept */
	CHECK_CSV("5\" screen,ok\n", "5\" screen|ok@1\n");
	/* a quoted field at the very end, with no line end */
	CHECK_CSV("a,\"b\"", "a|b@1\n");
}
END_TEST

START_TEST(byte_order_mark)
{
	CHECK_CSV("\xEF\xBB\xBF" "asset_id,site\nCAM-1,Hall\n", "asset_id|site@1\nCAM-1|Hall@2\n");
	CHECK_CSV("\xEF\xBB\xBF", "");
	/* only at the start */
	CHECK_CSV("a\n\xEF\xBB\xBF" "b\n", "a@1\n\xEF\xBB\xBF" "b@2\n");
}
END_TEST

START_TEST(unterminated_quote)
{
	/* at the end of the file: reported with the row's first line */
	CHECK_CSV("h1,h2\nok,1\n\"broken,2\nmore\n",
		  "h1|h2@1\nok|1@2\n!3:-12:line 3: unterminated quoted field\nmore@4\n");
	/* in the middle: the quote runs into the next row and is caught there;
	   reading resumes on the line after the bad row's first line */
	CHECK_CSV("h1,h2\n\"a,b\n\"c\",\"d\"\ne,f\n",
		  "h1|h2@1\n!2:-12:line 2: unexpected character after closing quote\n"
		  "c|d@3\ne|f@4\n");
	CHECK_CSV("\"a\"x,b\nc,d\n", "!1:-12:line 1: unexpected character after closing quote\nc|d@2\n");
}
END_TEST

START_TEST(nul_byte)
{
	static const char data[] = "a,b\nc\0d,e\nf,g\n";
	char *got = dump(data, sizeof(data) - 1, 0, 0);

	ck_assert_str_eq(got, "a|b@1\n!2:-12:line 2: NUL byte in field\nf|g@3\n");
	free(got);
}
END_TEST

START_TEST(limits)
{
	const char *data = "short,ok\n\"0123456789abcdef\",x\na,b,c,d,e\nlast,row\n";
	char *got = dump(data, strlen(data), 10, 4);

	ck_assert_str_eq(got, "short|ok@1\n"
			      "!2:-13:line 2: field longer than 10 bytes\n"
			      "!3:-13:line 3: more than 4 fields\n"
			      "last|row@4\n");
	free(got);
	/* a field of exactly the limit is accepted */
	got = dump("0123456789,x\n", 13, 10, 2);
	ck_assert_str_eq(got, "0123456789|x@1\n");
	free(got);
}
END_TEST

START_TEST(header_lookup)
{
	rw_ctx ctx;
	rw_csv_reader r;
	rw_strvec h = RW_STRVEC_INIT;
	const char *data = "Asset_ID, Site ,MANUFACTURER,quantity\n";
	long line;

	rw_ctx_init(&ctx, 0);
	rw_csv_init(&r, data, strlen(data));
	ck_assert_int_eq(rw_csv_next(&ctx, &r, &h, &line), 1);
	ck_assert_int_eq(rw_csv_column(&h, "asset_id"), 0);
	ck_assert_int_eq(rw_csv_column(&h, "site"), 1);
	ck_assert_int_eq(rw_csv_column(&h, "Manufacturer"), 2);
	ck_assert_int_eq(rw_csv_column(&h, "QUANTITY"), 3);
	ck_assert_int_eq(rw_csv_column(&h, "model"), -1);
	ck_assert_int_eq(rw_csv_column(&h, "asset"), -1);
	ck_assert_str_eq(rw_csv_get(&h, 2), "MANUFACTURER");
	ck_assert_str_eq(rw_csv_get(&h, -1), "");
	ck_assert_str_eq(rw_csv_get(&h, 4), "");
	ck_assert_int_eq(rw_csv_next(&ctx, &r, &h, &line), 0);
	ck_assert_uint_eq(h.n, 0);
	rw_strvec_release(&h);
	rw_csv_release(&r);
}
END_TEST

/* The real CSL layout: 29 columns a row, CRLF, one address with a line break inside quotes. */
START_TEST(csl_fixture)
{
	rw_ctx ctx;
	rw_csv_reader r;
	rw_strvec row = RW_STRVEC_INIT, header = RW_STRVEC_INIT;
	size_t len;
	char *data = rw_test_data("lists/csl.csv", &len);
	long line, last = 0;
	int rc, rows = 0, name;

	rw_ctx_init(&ctx, 0);
	rw_csv_init(&r, data, len);
	ck_assert_int_eq(rw_csv_next(&ctx, &r, &header, &line), 1);
	ck_assert_uint_eq(header.n, 29);
	ck_assert_int_eq(rw_csv_column(&header, "_id"), 0);
	name = rw_csv_column(&header, "name");
	ck_assert_int_eq(name, 5);
	while ((rc = rw_csv_next(&ctx, &r, &row, &line)) == 1) {
		ck_assert_uint_eq(row.n, 29);
		if (strcmp(rw_csv_get(&row, name), "HUAWEI INVESTMENT & HOLDING CO., LTD.") == 0)
			ck_assert_ptr_nonnull(strstr(rw_csv_get(&row, 7), "Longgang District,\r\nGuangdong"));
		rows++;
		last = line;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(rows, 16);
	/* the last row starts on line 18: one row above it spans two lines */
	ck_assert_int_eq(last, 18);
	rw_strvec_release(&row);
	rw_strvec_release(&header);
	rw_csv_release(&r);
	free(data);
}
END_TEST

static Suite *csvread_suite(void)
{
	Suite *s = suite_create("csvread");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, plain_rows_and_line_ends);
	tcase_add_test(tc, quoting);
	tcase_add_test(tc, byte_order_mark);
	tcase_add_test(tc, unterminated_quote);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, header_lookup);
	tcase_add_test(tc, csl_fixture);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return rw_test_run(csvread_suite());
}
