/* Dates and instants: parsing the forms the sources use, formatting ISO. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "regwatch/core.h"
#include "regwatch/dates.h"

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"
};

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static int ymd_ok(long y, int m, int d)
{
	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static void ymd_format(long y, int m, int d, char out[RW_DATE_LEN])
{
	snprintf(out, RW_DATE_LEN, "%04u-%02u-%02u", (unsigned)(y % 10000), (unsigned)(m % 100),
		 (unsigned)(d % 100));
}

/* Reads up to maxd digits; returns the number read. */
static int read_digits(const char *s, int maxd, long *v)
{
	int n = 0;

	*v = 0;
	while (n < maxd && isdigit((unsigned char)s[n])) {
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	return n;
}

/* Matches a month name or its three-letter abbreviation at s; returns its length. */
static int read_month(const char *s, int *month)
{
	size_t len = 0;
	int i;

	while (isalpha((unsigned char)s[len]))
		len++;
	if (len < 3)
		return 0;
	for (i = 0; i < 12; i++) {
		size_t full = strlen(month_names[i]);

		if ((len == full || len == 3 || (i == 8 && len == 4)) && len <= full &&
		    strncasecmp(s, month_names[i], len) == 0) {
			*month = i + 1;
			return (int)len;
		}
	}
	return 0;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static int only_space(const char *s)
{
	return *skip_space(s) == '\0';
}

int rw_date_valid(const char *iso)
{
	char out[RW_DATE_LEN];

	return iso != NULL && strlen(iso) == 10 && rw_date_parse_iso(iso, out) == 0;
}

int rw_date_parse_iso(const char *s, char out[RW_DATE_LEN])
{
	long y, m, d;

	s = skip_space(s);
	if (read_digits(s, 4, &y) != 4 || s[4] != '-' || read_digits(s + 5, 2, &m) != 2 ||
	    s[7] != '-' || read_digits(s + 8, 2, &d) != 2 || isdigit((unsigned char)s[10]))
		return RW_EDATA;
	if (!ymd_ok(y, (int)m, (int)d) || !only_space(s + 10))
		return RW_EDATA;
	ymd_format(y, (int)m, (int)d, out);
	return 0;
}

/* "March 12, 2021" at s; *used gets its length. */
static int parse_long_at(const char *s, char out[RW_DATE_LEN], size_t *used)
{
	const char *p = s;
	long d, y;
	int m, n;

	n = read_month(p, &m);
	if (n == 0)
		return RW_EDATA;
	p += n;
	if (*p == '.')
		p++;
	if (*p != ' ' && *p != '\t')
		return RW_EDATA;
	p = skip_space(p);
	n = read_digits(p, 2, &d);
	if (n == 0 || isdigit((unsigned char)p[n]))
		return RW_EDATA;
	p += n;
	if (*p == ',')
		p++;
	p = skip_space(p);
	if (read_digits(p, 4, &y) != 4 || isdigit((unsigned char)p[4]))
		return RW_EDATA;
	p += 4;
	if (!ymd_ok(y, m, (int)d))
		return RW_EDATA;
	ymd_format(y, m, (int)d, out);
	*used = (size_t)(p - s);
	return 0;
}

int rw_date_parse_long(const char *s, char out[RW_DATE_LEN])
{
	size_t used;

	s = skip_space(s);
	if (parse_long_at(s, out, &used) < 0 || !only_space(s + used))
		return RW_EDATA;
	return 0;
}

int rw_date_parse_dmy(const char *s, char out[RW_DATE_LEN])
{
	const char *p = skip_space(s);
	long d, y;
	int m, n;

	n = read_digits(p, 2, &d);
	if (n == 0)
		return RW_EDATA;
	p += n;
	if (*p != ' ' && *p != '-')
		return RW_EDATA;
	p++;
	n = read_month(p, &m);
	if (n == 0)
		return RW_EDATA;
	p += n;
	if (*p != ' ' && *p != '-')
		return RW_EDATA;
	p++;
	if (read_digits(p, 4, &y) != 4 || !only_space(p + 4))
		return RW_EDATA;
	if (!ymd_ok(y, m, (int)d))
		return RW_EDATA;
	ymd_format(y, m, (int)d, out);
	return 0;
}

int rw_date_find_long(const char *text, char out[RW_DATE_LEN], size_t *end)
{
	const char *p;
	size_t used;

	for (p = text; *p; p++) {
		if (!isalpha((unsigned char)*p) || (p > text && isalpha((unsigned char)p[-1])))
			continue;
		if (parse_long_at(p, out, &used) == 0) {
			if (end)
				*end = (size_t)(p - text) + used;
			return 0;
		}
	}
	return RW_EDATA;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long rw_date_days(const char *iso)
{
	long y, m, d;

	if (!rw_date_valid(iso))
		return -1;
	read_digits(iso, 4, &y);
	read_digits(iso + 5, 2, &m);
	read_digits(iso + 8, 2, &d);
	return days_from_civil(y, (int)m, (int)d);
}

void rw_date_from_time(time_t t, char out[RW_DATE_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	ymd_format(tm.tm_year + 1900L, tm.tm_mon + 1, tm.tm_mday, out);
}

void rw_instant_format(time_t t, char out[RW_INSTANT_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, RW_INSTANT_LEN, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		 (unsigned)((tm.tm_year + 1900) % 10000), (unsigned)((tm.tm_mon + 1) % 100),
		 (unsigned)(tm.tm_mday % 100), (unsigned)(tm.tm_hour % 100), (unsigned)(tm.tm_min % 100),
		 (unsigned)(tm.tm_sec % 100));
}

static time_t make_utc(long y, int m, int d, int hh, int mm, int ss)
{
	return (time_t)(days_from_civil(y, m, d) * 86400L + hh * 3600L + mm * 60L + ss);
}

/* RFC 3339: 2026-11-29T02:00:00Z, with optional fraction and offset. */
static int parse_rfc3339(const char *s, time_t *out)
{
	long y, mo, d, hh, mi, ss, oh = 0, om = 0;
	const char *p = s;
	int sign = 0;

	if (read_digits(p, 4, &y) != 4 || p[4] != '-' || read_digits(p + 5, 2, &mo) != 2 ||
	    p[7] != '-' || read_digits(p + 8, 2, &d) != 2 || (p[10] != 'T' && p[10] != 't' && p[10] != ' '))
		return RW_EDATA;
	p += 11;
	if (read_digits(p, 2, &hh) != 2 || p[2] != ':' || read_digits(p + 3, 2, &mi) != 2 ||
	    p[5] != ':' || read_digits(p + 6, 2, &ss) != 2)
		return RW_EDATA;
	p += 8;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (read_digits(p + 1, 2, &oh) != 2 || p[3] != ':' || read_digits(p + 4, 2, &om) != 2)
			return RW_EDATA;
		p += 6;
	} else {
		return RW_EDATA;
	}
	if (!only_space(p) || !ymd_ok(y, (int)mo, (int)d) || hh > 23 || mi > 59 || ss > 60 ||
	    oh > 14 || om > 59)
		return RW_EDATA;
	*out = make_utc(y, (int)mo, (int)d, (int)hh, (int)mi, (int)(ss > 59 ? 59 : ss)) -
	       sign * (time_t)(oh * 3600 + om * 60);
	return 0;
}

/* RFC 822 / 1123: "Thu, 12 Mar 2021 10:00:00 +0000" or "... GMT"; the weekday is optional. */
static int parse_rfc822(const char *s, time_t *out)
{
	static const struct { const char *name; int minutes; } zones[] = {
		{"GMT", 0}, {"UT", 0}, {"UTC", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240},
		{"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
	};
	const char *p = skip_space(s);
	long d, y, hh, mi, ss = 0, off;
	int m, n, minutes = 0;
	size_t i, zl;

	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		if (*p == ',')
			p++;
		p = skip_space(p);
	}
	n = read_digits(p, 2, &d);
	if (n == 0)
		return RW_EDATA;
	p = skip_space(p + n);
	n = read_month(p, &m);
	if (n == 0)
		return RW_EDATA;
	p = skip_space(p + n);
	n = read_digits(p, 4, &y);
	if (n == 2)
		y += y < 50 ? 2000 : 1900;
	else if (n != 4)
		return RW_EDATA;
	p = skip_space(p + n);
	if (read_digits(p, 2, &hh) != 2 || p[2] != ':' || read_digits(p + 3, 2, &mi) != 2)
		return RW_EDATA;
	p += 5;
	if (*p == ':') {
		if (read_digits(p + 1, 2, &ss) != 2)
			return RW_EDATA;
		p += 3;
	}
	p = skip_space(p);
	if (*p == '+' || *p == '-') {
		/* +HHMM: real zones lie within fourteen hours of UTC, minutes below 60 */
		if (read_digits(p + 1, 4, &off) != 4 || off / 100 > 14 || off % 100 > 59)
			return RW_EDATA;
		minutes = (int)((off / 100) * 60 + off % 100) * (*p == '-' ? -1 : 1);
		p += 5;
	} else if (*p) {
		zl = 0;
		while (isalpha((unsigned char)p[zl]))
			zl++;
		for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
			if (strlen(zones[i].name) == zl && strncasecmp(p, zones[i].name, zl) == 0)
				break;
		if (i == sizeof(zones) / sizeof(zones[0]))
			return RW_EDATA;
		minutes = zones[i].minutes;
		p += zl;
	}
	if (!only_space(p) || !ymd_ok(y, m, (int)d) || hh > 23 || mi > 59 || ss > 60)
		return RW_EDATA;
	*out = make_utc(y, m, (int)d, (int)hh, (int)mi, (int)(ss > 59 ? 59 : ss)) - (time_t)minutes * 60;
	return 0;
}

int rw_instant_parse(const char *s, time_t *out)
{
	s = skip_space(s);
	if (parse_rfc3339(s, out) == 0)
		return 0;
	return parse_rfc822(s, out);
}

int rw_date_parse_any(const char *s, char out[RW_DATE_LEN])
{
	time_t t;

	if (rw_date_parse_iso(s, out) == 0 || rw_date_parse_long(s, out) == 0 ||
	    rw_date_parse_dmy(s, out) == 0)
		return 0;
	if (rw_instant_parse(s, &t) == 0) {
		rw_date_from_time(t, out);
		return 0;
	}
	return RW_EDATA;
}

int rw_when_parse(const char *s, time_t *out)
{
	char iso[RW_DATE_LEN];

	if (rw_date_parse_iso(s, iso) == 0) {
		*out = (time_t)(rw_date_days(iso) * 86400L + 86399L);
		return 0;
	}
	return parse_rfc3339(skip_space(s), out);
}
