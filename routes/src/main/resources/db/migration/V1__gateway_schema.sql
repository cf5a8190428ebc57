-- Pratiche and everything that happens to them. PostgreSQL only.

create table pratica (
    id                  uuid primary key,
    channel             varchar(20)  not null,
    cui_uuid            varchar(100) not null unique,
    cui                 jsonb        not null,
    descriptor_version  varchar(20)  not null,
    descriptor          jsonb,
    procedure_code      varchar(200),
    procedure_version   varchar(50),
    regime              varchar(40),
    municipality        varchar(6),
    applicant_cf        varchar(16),
    state               varchar(60)  not null,
    documents_status    varchar(20)  not null default 'PENDING',
    geowork_protocol    varchar(100),
    round               int          not null default 1,
    outcome_proposed    varchar(20),
    outcome_validated   varchar(20),
    validated_by        varchar(200),
    fo_notified_at      timestamptz,
    receipt_date        date,
    anomaly             text,
    presented_at        timestamptz  not null,
    updated_at          timestamptz  not null
);
create index pratica_state_idx on pratica (state);

-- one row per accepted send_instance: the dedup key of the SSU intake
create table ssu_submission (
    cui_uuid            varchar(100) not null,
    descriptor_version  varchar(20)  not null,
    pratica_id          uuid         not null references pratica (id),
    body_sha256         char(64)     not null,
    received_at         timestamptz  not null,
    primary key (cui_uuid, descriptor_version)
);

-- content-addressed document store: each content stored once
create table documento (
    sha256      char(64) primary key,
    size        bigint   not null,
    content     bytea    not null,
    stored_at   timestamptz not null
);

create table pratica_documento (
    pratica_id      uuid         not null references pratica (id),
    resource_id     varchar(200) not null,
    name            varchar(300) not null,
    code            varchar(200),
    ref             varchar(300),
    mime_type       varchar(100),
    alg_hash        varchar(4)   not null,
    expected_hash   varchar(200) not null,
    sha256          char(64) references documento (sha256),
    status          varchar(20)  not null,   -- PENDING, VERIFIED, HASH_MISMATCH
    last_error      text,
    verified_at     timestamptz,
    primary key (pratica_id, resource_id)
);

create table richiesta_parere (
    id              uuid primary key,
    pratica_id      uuid        not null references pratica (id),
    ente_code       varchar(64) not null,
    round           int         not null,
    deadline        date        not null,
    status          varchar(20) not null,   -- OPEN, ANSWERED
    requested_at    timestamptz not null,
    sent_at         timestamptz,
    answered_at     timestamptz,
    esito           varchar(20),
    prescrizioni    jsonb,
    motivazione     text,
    firmatario      varchar(200),
    reply_id        varchar(100) unique,
    reply_user      varchar(100),
    unique (pratica_id, ente_code, round)
);
create index richiesta_parere_open_idx on richiesta_parere (pratica_id) where status = 'OPEN';

-- transactional outbox: every outbound call is a row written with the state change that causes it
create table outbox (
    id              bigserial primary key,
    pratica_id      uuid,
    kind            varchar(40)  not null,
    ordering_key    varchar(120),
    payload         text         not null,
    status          varchar(12)  not null,   -- PENDING, DONE, DEAD
    attempts        int          not null default 0,
    next_attempt_at timestamptz  not null,
    claimed_until   timestamptz,
    last_error      text,
    created_at      timestamptz  not null,
    done_at         timestamptz
);
create index outbox_due_idx on outbox (next_attempt_at) where status = 'PENDING';
create index outbox_ordering_idx on outbox (ordering_key, id) where status = 'PENDING';

-- every message in and out, per pratica
create table timeline (
    id          bigserial primary key,
    pratica_id  uuid         not null,
    at          timestamptz  not null,
    direction   varchar(8)   not null,   -- IN, OUT, INTERNAL
    system      varchar(40)  not null,
    operation   varchar(80)  not null,
    outcome     varchar(60)  not null,
    hash        char(64),
    detail      text
);
create index timeline_pratica_idx on timeline (pratica_id, id);

-- what could not be delivered or understood, for an operator to see and replay
create table dead_letter (
    id          bigserial primary key,
    category    varchar(40)  not null,   -- OUTBOX_EXHAUSTED, REPLY_REJECTED
    source      varchar(200) not null,
    reason      text         not null,
    payload     text,
    headers     jsonb,
    outbox_id   bigint references outbox (id),
    pratica_id  uuid,
    created_at  timestamptz  not null,
    replayed_at timestamptz
);
