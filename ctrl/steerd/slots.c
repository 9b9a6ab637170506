// SPDX-License-Identifier: GPL-2.0-only
/* The slot state machine over steerd's listener table (see slots.h). */
#include <errno.h>
#include <string.h>

#include "slots.h"

struct steerd_listener *slots_find(struct steerd_listener *all, size_t n,
				   uint16_t group, uint16_t slot,
				   enum steer_slot_state state)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (all[i].in_use && all[i].group == group &&
		    all[i].slot == slot && all[i].state == state)
			return &all[i];
	return NULL;
}

int slots_place(struct steerd_listener *all, size_t n, uint16_t group,
		uint16_t slot, bool standby, enum steer_slot_state *state,
		uint8_t *bank, struct steerd_listener **holder)
{
	struct steerd_listener *a, *s;

	a = slots_find(all, n, group, slot, STEER_SLOT_ACTIVE);
	s = slots_find(all, n, group, slot, STEER_SLOT_STANDBY);
	*holder = NULL;
	if (a && !standby) {
		*holder = a;
		return -EBUSY;
	}
	if (standby && s) {
		*holder = s;
		return -EBUSY;
	}
	/* A standby sits in the active's other bank; alone, it is active. */
	*state = a ? STEER_SLOT_STANDBY : STEER_SLOT_ACTIVE;
	*bank = a ? a->bank ^ 1 : s ? s->bank ^ 1 : 0;
	return 0;
}

struct steerd_listener *slots_promote(struct steerd_listener *all, size_t n,
				      uint16_t group, uint16_t slot)
{
	struct steerd_listener *s;

	s = slots_find(all, n, group, slot, STEER_SLOT_STANDBY);
	if (!s || slots_find(all, n, group, slot, STEER_SLOT_ACTIVE))
		return NULL;
	s->state = STEER_SLOT_ACTIVE;
	return s;
}

void slots_live(const struct steerd_listener *all, size_t n, uint16_t group,
		struct steer_live *live)
{
	bool seen[STEER_MAX_SLOTS] = { false };
	bool has_active[STEER_MAX_SLOTS] = { false };
	size_t i;

	memset(live, 0, sizeof(*live));
	for (i = 0; i < n; i++) {
		const struct steerd_listener *l = &all[i];

		if (!l->in_use || l->group != group ||
		    l->slot >= STEER_MAX_SLOTS ||
		    (l->state != STEER_SLOT_ACTIVE &&
		     l->state != STEER_SLOT_STANDBY))
			continue;
		if (!seen[l->slot])
			live->slots[live->count++] = l->slot;
		seen[l->slot] = true;
		/* The active's bank first; a lone standby's otherwise. */
		if (l->state == STEER_SLOT_ACTIVE) {
			live->primary[l->slot] = l->bank;
			has_active[l->slot] = true;
		} else if (!has_active[l->slot]) {
			live->primary[l->slot] = l->bank;
		}
	}
	/* A standby seen before its slot's active must not keep its bank. */
	for (i = 0; i < n; i++) {
		const struct steerd_listener *l = &all[i];

		if (l->in_use && l->group == group &&
		    l->slot < STEER_MAX_SLOTS && l->state == STEER_SLOT_ACTIVE)
			live->primary[l->slot] = l->bank;
	}
}
