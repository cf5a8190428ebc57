-- Enti terzi and the Registro Imprese through the SSU e-services, and the conferenza dei servizi.

-- the index of the instance's latest version as the front-office sent it ({instance_index, general_index}): what an
-- ente terzo or the Registro Imprese is sent of it
alter table pratica add column ssu_index jsonb;

-- what each recipient (an ente terzo, the Registro Imprese: 'RI') was sent of a pratica, and may therefore read
create table destinatario_documento (
    pratica_id    uuid         not null references pratica (id),
    destinatario  varchar(60)  not null,
    resource_id   varchar(200) not null,
    primary key (pratica_id, destinatario, resource_id)
);

-- a document an ente terzo referred to (its conclusions, its request of integration), fetched from its et_to_bo
create table documento_ente (
    id              bigserial primary key,
    pratica_id      uuid         not null references pratica (id),
    richiesta_id    uuid         references richiesta_parere (id),
    ente_code       varchar(60)  not null,
    purpose         varchar(20)  not null,   -- CONCLUSIONI, INTEGRAZIONE
    remote_id       varchar(200) not null,   -- its resource_id on the ente's system
    alg_hash        varchar(4)   not null,
    expected_hash   varchar(200) not null,
    resource_id     varchar(200),            -- ours, once fetched (served to the front-office)
    sha256          char(64) references documento (sha256),
    status          varchar(20)  not null,   -- PENDING, VERIFIED
    unique (pratica_id, ente_code, remote_id)
);

-- the conferenza dei servizi of a pratica: who asked for it, how and when it meets, what it determined
create table conferenza (
    pratica_id        uuid primary key references pratica (id),
    richiedenti       jsonb        not null,   -- [{ente, dataRichiesta}]
    requested_at      timestamptz  not null,
    modalita          varchar(10),
    data_convocazione date,
    canale            text,
    atto_resource_id  varchar(200),
    convened_at       timestamptz,
    esito             varchar(20),
    motivazione       text,
    determined_at     timestamptz
);

-- an ente terzo's answer received but not counted yet (its integration request, until its documents are in)
alter table richiesta_parere add column held_answer jsonb;
