-- The SSU lifecycle: procedural terms (durable timers), suspensions, outages of peers, the back-office's documents.

-- One row per term of a pratica (times-schema.yaml): legal dates by the calendar of config/calendario.yaml, and the
-- instant its expiry is handled (an outbox entry of kind TERM_EXPIRY, so it fires once whatever the instances).
create table termine (
    id               bigserial primary key,
    pratica_id       uuid         not null references pratica (id),
    kind             varchar(30)  not null,   -- PROCEDIMENTO, CORREZIONE, AMMISSIBILITA, RICHIESTA_INTEGRAZIONI, ...
    inizio           date         not null,
    giorni           int          not null,
    giorni_sospesi   int          not null default 0,
    scadenza         date         not null,
    state            varchar(12)  not null,   -- ATTIVO, SOSPESO, SCADUTO, CHIUSO
    anchor_at        timestamptz  not null,   -- the instant day 0 of the term maps to (compressed clocks)
    fire_at          timestamptz,
    outbox_id        bigint references outbox (id),
    updated_at       timestamptz  not null,
    unique (pratica_id, kind)
);

create table sospensione (
    id          bigserial primary key,
    pratica_id  uuid         not null references pratica (id),
    dal         date         not null,
    al          date,
    dal_at      timestamptz  not null,
    al_at       timestamptz,
    giorni      int,
    motivo      text         not null
);
create index sospensione_pratica_idx on sospensione (pratica_id);

-- A peer that stayed unreachable through the whole retry policy (SSU §8.5.5): open until a call to it succeeds.
create table disservizio (
    id               bigserial primary key,
    peer             varchar(40)  not null,
    opened_at        timestamptz  not null,
    last_failure_at  timestamptz  not null,
    failures         int          not null,
    last_error       text,
    closed_at        timestamptz
);
create unique index disservizio_open_idx on disservizio (peer) where closed_at is null;

-- who a document comes from: the sender (FO, scrivania, GEOPOST) or the back-office (the final act)
alter table pratica_documento add column origin varchar(4) not null default 'IN';

-- the preliminary checks of an SSU pratica and the corrections asked
alter table pratica add column correzioni jsonb;

-- why a request closed without an answer: the applicant cancelled (CANCELLED), or the ente stayed silent past its term
alter table richiesta_parere add column closed_reason varchar(60);

-- when a call first failed: the SSU retransmission policy (§8.5.4) counts its retries from that instant
alter table outbox add column first_failure_at timestamptz;
