/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The slot state machine, apart from any I/O: where a new listener goes,
 * who takes over when one leaves, and the live-slot table the reuseport
 * program reads. steerd applies it; the unit tests drive it directly.
 *
 *   register          -> active (slot had none) | standby (asked, slot has an active)
 *   active closes     -> empty; the slot's standby becomes active
 *   active drains     -> draining; the slot's standby becomes active
 *   draining closes   -> empty
 */
#ifndef STEER_SLOTS_H
#define STEER_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steerd.h"

/* The listener of (group, slot) in state, or NULL. */
struct steerd_listener *slots_find(struct steerd_listener *all, size_t n,
				   uint16_t group, uint16_t slot,
				   enum steer_slot_state state);

/*
 * Where a listener registering for (group, slot) goes: its state and bank,
 * or -EBUSY with *holder the listener in the way.
 */
int slots_place(struct steerd_listener *all, size_t n, uint16_t group,
		uint16_t slot, bool standby, enum steer_slot_state *state,
		uint8_t *bank, struct steerd_listener **holder);

/* The slot lost its active listener: its standby, if any, is now active. */
struct steerd_listener *slots_promote(struct steerd_listener *all, size_t n,
				      uint16_t group, uint16_t slot);

/* The group's live slots (active or standby) and each slot's primary bank. */
void slots_live(const struct steerd_listener *all, size_t n, uint16_t group,
		struct steer_live *live);

#endif /* STEER_SLOTS_H */
