/* The libcurl safe defaults every easy handle gets. */
#include <curl/curl.h>

#include "regwatch/fetch.h"

#define HARDEN(opt, val)                                      \
	do {                                                  \
		if ((cc = curl_easy_setopt(h, opt, val)) != CURLE_OK) \
			return (int)cc;                      \
	} while (0)

int rw_curl_harden(void *easy, const rw_curl_safety *s)
{
	CURL *h = easy;
	CURLcode cc;

	HARDEN(CURLOPT_NOSIGNAL, 1L);
	HARDEN(CURLOPT_PROTOCOLS_STR, s->protocols);
	if (s->redir_protocols != NULL) {
		HARDEN(CURLOPT_REDIR_PROTOCOLS_STR, s->redir_protocols);
		HARDEN(CURLOPT_FOLLOWLOCATION, 1L);
		HARDEN(CURLOPT_MAXREDIRS, s->max_redirs);
	} else {
		HARDEN(CURLOPT_FOLLOWLOCATION, 0L);
	}
	HARDEN(CURLOPT_SSL_VERIFYPEER, 1L);
	HARDEN(CURLOPT_SSL_VERIFYHOST, 2L);
	HARDEN(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (s->ca_file != NULL)
		HARDEN(CURLOPT_CAINFO, s->ca_file);
	HARDEN(CURLOPT_PROXY, s->proxy ? s->proxy : "");
	if (s->max_body > 0)
		HARDEN(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max_body);
	return 0;
}

#undef HARDEN
