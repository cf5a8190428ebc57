-- Issue 13: an outbox entry is claimed with a token that its booking must match (fencing), by an instance whose
-- heartbeat tells whether it is alive; attempts count real failures only; a dead entry keeps its ordering key
-- blocked until it is replayed or discarded.
alter table outbox add column claim_token uuid;
alter table outbox add column claimed_by varchar(80);

create table gateway_instance (
    id           varchar(80)  primary key,
    host         varchar(200) not null,
    started_at   timestamptz  not null,
    heartbeat_at timestamptz  not null
);

alter table dead_letter add column discarded_at timestamptz;

drop index if exists outbox_ordering_idx;
create index outbox_ordering_idx on outbox (ordering_key, id) where status in ('PENDING', 'DEAD');
