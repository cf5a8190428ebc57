-- The Comune's OSP workflow: GEOPOST istanze, pre-istruttoria checklist, composed communications, deadlines.

-- every GEOPOST event taken (push or catch-up poll), once: an istanza by its id, an integration by its id
create table geopost_event (
    chiave       varchar(120) primary key,     -- ISTANZA:<idIstanza> or INTEGRAZIONE:<idIntegrazione>
    seq          bigint       not null,
    tipo         varchar(20)  not null,
    pratica_id   uuid         not null references pratica (id),
    via          varchar(10)  not null,        -- PUSH, POLL
    body_sha256  char(64)     not null,
    received_at  timestamptz  not null
);

-- the highest GEOPOST sequence number the catch-up poll has read
create table geopost_cursor (
    id        int primary key check (id = 1),
    last_seq  bigint not null
);
insert into geopost_cursor (id, last_seq) values (1, 0);

-- the checklist of each round of an istanza, item by item
create table osp_checklist (
    pratica_id   uuid         not null references pratica (id),
    round        int          not null,
    codice       varchar(40)  not null,
    descrizione  text         not null,
    esito        varchar(12)  not null,        -- PASS, FAIL, WARN, UNAVAILABLE
    evidenza     text,
    checked_at   timestamptz  not null,
    primary key (pratica_id, round, codice)
);

-- communications to the applicant: composed by the gateway, validated (or edited, or rejected) by a funzionario,
-- and only then sent
create table osp_comunicazione (
    id                 uuid primary key,
    pratica_id         uuid         not null references pratica (id),
    round              int          not null,
    tipo               varchar(30)  not null,   -- RICHIESTA_INTEGRAZIONE, CONCESSIONE, DINIEGO
    testo_proposto     text         not null,
    testo              text,                    -- as validated (possibly edited)
    motivi             jsonb        not null,
    prescrizioni       jsonb        not null,
    integrazioni       jsonb        not null,
    stato              varchar(12)  not null,   -- PROPOSTA, VALIDATA, RIFIUTATA, INVIATA
    validata_da        varchar(200),
    validata_il        timestamptz,
    numero_concessione varchar(60),
    id_avviso_geri     varchar(60),
    inviata_il         timestamptz,
    created_at         timestamptz  not null
);
create index osp_comunicazione_pratica_idx on osp_comunicazione (pratica_id, created_at);

alter table richiesta_parere add column integrazioni jsonb;
alter table richiesta_parere add column overdue_at timestamptz;
alter table richiesta_parere add column reminded_at timestamptz;
alter table richiesta_parere add column reminders int not null default 0;
