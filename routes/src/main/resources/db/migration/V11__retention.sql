-- Issue 13: retention of the outbox, the dead letters and (opt-in) the timeline (gateway/retention).

-- the purge's scans: final outbox entries by age, resolved dead letters by age, pratiche by conclusion
create index outbox_final_idx on outbox (done_at) where status in ('DONE', 'CANCELLED', 'DISCARDED');
create index dead_letter_resolved_idx on dead_letter ((coalesce(replayed_at, discarded_at))) where replayed_at is not null or discarded_at is not null;
create index pratica_concluded_idx on pratica (concluded_at) where concluded_at is not null;
-- the latest delivered entry of a kind per pratica (what a peer's /retry sends again, kept by the purge)
create index outbox_delivered_idx on outbox (pratica_id, kind, id) where status = 'DONE';
-- the references to outbox rows, looked up for every row deleted (foreign-key check, purge's exclusions)
create index dead_letter_outbox_idx on dead_letter (outbox_id) where outbox_id is not null;
create index termine_outbox_idx on termine (outbox_id) where outbox_id is not null;
