// SPDX-License-Identifier: GPL-2.0-only
/* The slot state machine: placement, promotion, the live-slot table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "steerd/slots.h"

#define N 8

static struct steerd_listener table[N];

static struct steerd_listener *add(uint16_t group, uint16_t slot, bool standby)
{
	struct steerd_listener *holder;
	enum steer_slot_state state;
	uint8_t bank;
	int i;

	assert_int_equal(slots_place(table, N, group, slot, standby, &state,
				     &bank, &holder),
			 0);
	for (i = 0; i < N && table[i].in_use; i++)
		;
	assert_true(i < N);
	table[i] = (struct steerd_listener){ .in_use = true,
					     .group = group,
					     .slot = slot,
					     .bank = bank,
					     .state = state };
	return &table[i];
}

static int reset(void **state)
{
	memset(table, 0, sizeof(table));
	return 0;
}

static void test_first_is_active(void **state)
{
	struct steerd_listener *l = add(0, 3, false);

	assert_int_equal(l->state, STEER_SLOT_ACTIVE);
	assert_int_equal(l->bank, 0);
}

static void test_lone_standby_is_active(void **state)
{
	assert_int_equal(add(0, 3, true)->state, STEER_SLOT_ACTIVE);
}

static void test_standby_takes_other_bank(void **state)
{
	struct steerd_listener *a = add(0, 1, false), *s = add(0, 1, true);

	assert_int_equal(s->state, STEER_SLOT_STANDBY);
	assert_int_equal(s->bank, a->bank ^ 1);
}

static void test_occupied_slot_refused(void **state)
{
	struct steerd_listener *a = add(2, 0, false), *holder;
	enum steer_slot_state st;
	uint8_t bank;

	assert_int_equal(slots_place(table, N, 2, 0, false, &st, &bank,
				     &holder),
			 -EBUSY);
	assert_ptr_equal(holder, a);
	add(2, 0, true);
	assert_int_equal(slots_place(table, N, 2, 0, true, &st, &bank, &holder),
			 -EBUSY);
	assert_int_equal(holder->state, STEER_SLOT_STANDBY);
	/* Another group's same slot is free. */
	assert_int_equal(
		slots_place(table, N, 3, 0, false, &st, &bank, &holder), 0);
}

/* A rolling restart: the standby takes over, the next one alternates banks. */
static void test_rolling_restart(void **state)
{
	struct steerd_listener *a = add(0, 0, false), *s = add(0, 0, true), *n;
	struct steer_live live;

	a->state = STEER_SLOT_DRAINING;
	assert_ptr_equal(slots_promote(table, N, 0, 0), s);
	assert_int_equal(s->state, STEER_SLOT_ACTIVE);
	slots_live(table, N, 0, &live);
	assert_int_equal(live.count, 1);
	assert_int_equal(live.primary[0], s->bank);
	/* The draining one closes; the next generation registers. */
	a->state = STEER_SLOT_EMPTY;
	n = add(0, 0, true);
	assert_int_equal(n->state, STEER_SLOT_STANDBY);
	assert_int_equal(n->bank, s->bank ^ 1);
	/* Nothing to promote while the slot has an active listener. */
	assert_null(slots_promote(table, N, 0, 0));
}

static void test_live_table(void **state)
{
	struct steerd_listener *d;
	struct steer_live live;

	add(5, 2, false);
	add(5, 2, true);
	add(5, 7, false);
	d = add(5, 4, false);
	d->state = STEER_SLOT_DRAINING;
	add(6, 1, false); /* another group */
	slots_live(table, N, 5, &live);
	/* Slots 2 (once, with two banks) and 7 are live; draining 4 is not;
	 * group 6 is apart. */
	assert_int_equal(live.count, 2);
	assert_true((live.slots[0] == 2 && live.slots[1] == 7) ||
		    (live.slots[0] == 7 && live.slots[1] == 2));
}

/* The active's bank is primary even when the standby comes first. */
static void test_primary_is_active_bank(void **state)
{
	struct steer_live live;

	table[0] = (struct steerd_listener){ .in_use = true,
					     .group = 1,
					     .slot = 4,
					     .bank = 0,
					     .state = STEER_SLOT_STANDBY };
	table[1] = (struct steerd_listener){ .in_use = true,
					     .group = 1,
					     .slot = 4,
					     .bank = 1,
					     .state = STEER_SLOT_ACTIVE };
	slots_live(table, N, 1, &live);
	assert_int_equal(live.count, 1);
	assert_int_equal(live.primary[4], 1);
	/* The active leaves: the standby's bank is primary. */
	table[1].state = STEER_SLOT_EMPTY;
	slots_live(table, N, 1, &live);
	assert_int_equal(live.primary[4], 0);
	table[0].state = STEER_SLOT_EMPTY;
	slots_live(table, N, 1, &live);
	assert_int_equal(live.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_is_active, reset),
		cmocka_unit_test_setup(test_lone_standby_is_active, reset),
		cmocka_unit_test_setup(test_standby_takes_other_bank, reset),
		cmocka_unit_test_setup(test_occupied_slot_refused, reset),
		cmocka_unit_test_setup(test_rolling_restart, reset),
		cmocka_unit_test_setup(test_live_table, reset),
		cmocka_unit_test_setup(test_primary_is_active_bank, reset),
	};

	return cmocka_run_group_tests_name("slots", tests, NULL, NULL);
}
