// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Error capture: every failure leaves one actionable line in the calling
 * thread's last_error (tcplat_last_error()), and libbpf's own warnings are
 * caught so that line can quote the kernel's words.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tcplat_internal.h"

static __thread char last_error[TCPLAT_LAST_ERROR_SIZE];
/* The first libbpf warning since reset_libbpf_warning(), for our message;
 * with libbpf_quiet it is only kept, not printed: netlink calls warn with
 * the kernel's extack text even where a failure is expected and handled. */
static __thread char first_warning[160];
static __thread bool libbpf_quiet;

int tcplat_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

char *tcplat_last_error_buf(void)
{
	return last_error;
}

API const char *tcplat_last_error(void)
{
	return last_error;
}

/* Warnings go to stderr (unless quiet) and the first one is kept; info and
 * debug output (a page per load) are dropped. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const char prefix[] = "libbpf: ";
	char *msg = first_warning;
	va_list copy;
	size_t len;

	if (level != LIBBPF_WARN)
		return 0;
	if (!first_warning[0]) {
		va_copy(copy, ap);
		vsnprintf(first_warning, sizeof(first_warning), fmt, copy);
		va_end(copy);
		if (!strncmp(msg, prefix, sizeof(prefix) - 1))
			memmove(msg, msg + sizeof(prefix) - 1, strlen(msg) - (sizeof(prefix) - 1) + 1);
		len = strlen(msg);
		if (len && msg[len - 1] == '\n')
			msg[len - 1] = '\0';
	}
	if (libbpf_quiet)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void tcplat_capture_libbpf_output(void)
{
	libbpf_set_print(print_libbpf);
}

void reset_libbpf_warning(bool quiet)
{
	first_warning[0] = '\0';
	libbpf_quiet = quiet;
}

const char *libbpf_warning(void)
{
	return first_warning;
}

const char *libbpf_detail(void)
{
	return first_warning[0] ? first_warning : "no detail";
}
