-- Issue 12: the tamper-evident trail, the contact centre, the figures of the dashboards.

-- Every timeline entry is chained to the previous one of its pratica: chain_hash = SHA-256 of (prev_hash, the entry's
-- fields); changing, removing or inserting a row breaks the chain from there (GET /api/pratiche/{id}/verifica).
-- Entries recorded before this migration are not chained (prev_hash and chain_hash null).
alter table timeline add column prev_hash char(64);
alter table timeline add column chain_hash char(64);

-- when the pratica reached its final state: processing times are measured to it
alter table pratica add column concluded_at timestamptz;
update pratica set concluded_at = updated_at
 where state in ('REFUSED', 'ENDED_BY_INTEGRATION_TIMES_EXPIRED', 'ENDED_BY_SUSPENSION_REQUESTED',
                 'ENDED_BY_CONFORMATION_REQUESTED', 'ENDED_BY_PROCEEDING_TIME_EXPIRED', 'ENDED_BY_POSITIVE_OUTCOME',
                 'ENDED_BY_NEGATIVE_OUTCOME', 'ENDED_BY_SUBMITTER_CANCEL_REQUESTED');
create index pratica_presented_idx on pratica (presented_at);

-- the contact centre: every contact with a citizen or a business, whoever recorded it
create table contatto (
    id                  bigserial primary key,
    pratica_id          uuid         references pratica (id),
    at                  timestamptz  not null,
    operatore           varchar(200) not null,
    canale              varchar(20)  not null,   -- TELEFONO, EMAIL, PEC, SPORTELLO, CHAT
    interlocutore       varchar(200) not null,
    categoria           varchar(40)  not null,   -- INFORMAZIONI, STATO_PRATICA, DOCUMENTI, TERMINI, PAGAMENTI, RECLAMO, ALTRO
    oggetto             varchar(300) not null,
    risposta            text         not null,
    risolto             boolean      not null,   -- answered at the first contact
    seguito             text,                    -- the follow-up promised, if any
    seguito_scadenza    date,
    seguito_chiuso_at   timestamptz,
    seguito_chiuso_da   varchar(200)
);
create index contatto_pratica_idx on contatto (pratica_id);
create index contatto_at_idx on contatto (at);

-- every view and change of a contact: who, when, what
create table contatto_accesso (
    id          bigserial primary key,
    contatto_id bigint       references contatto (id),
    at          timestamptz  not null,
    operatore   varchar(200) not null,
    azione      varchar(20)  not null,   -- CREATE, VIEW, LIST, CLOSE_FOLLOW_UP
    dettaglio   varchar(300)
);
create index contatto_accesso_idx on contatto_accesso (contatto_id, id);
