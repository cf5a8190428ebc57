-- Pratiche of the pre-SSU scrivania channel (InfoCamere cooperation) and the PEC channel of the enti.

-- a pratica of the scrivania has no CUI: it is known by its codice pratica, as every pratica is on the enti's channels
alter table pratica alter column cui_uuid drop not null;
alter table pratica alter column cui drop not null;
alter table pratica alter column descriptor_version drop not null;
alter table pratica add column codice_pratica varchar(100);
alter table pratica add column dati jsonb;
update pratica set codice_pratica = cui ->> 'value' where codice_pratica is null;
create unique index pratica_codice_idx on pratica (channel, codice_pratica);
create index pratica_codice_lookup_idx on pratica (codice_pratica);

-- one row per accepted cooperation message: the dedup key of the scrivania intake
create table scrivania_message (
    codice_pratica     varchar(100) not null,
    progressivo        int          not null,
    protocollo_key     varchar(200) not null,
    pratica_id         uuid         not null references pratica (id),
    tipo_cooperazione  varchar(40)  not null,
    message_xml        text         not null,   -- the message without attachment content: answers repeat its references
    body_sha256        char(64)     not null,
    answer             varchar(200) not null,   -- what was returned; a repeated message gets the same
    received_at        timestamptz  not null,
    primary key (codice_pratica, progressivo, protocollo_key)
);

-- protocol numbers of the Comune's communications to the scrivania (7 digits in the contract)
create sequence scrivania_protocollo_seq;

-- a re-consultation after an integration names the parere it follows
alter table richiesta_parere add column previous_id uuid references richiesta_parere (id);
alter table richiesta_parere add column channel varchar(20);

-- documents an ente attached to its parere (PEC replies)
create table parere_allegato (
    richiesta_id  uuid         not null references richiesta_parere (id),
    sha256        char(64)     not null references documento (sha256),
    name          varchar(300) not null,
    mime_type     varchar(100),
    primary key (richiesta_id, sha256, name)
);
