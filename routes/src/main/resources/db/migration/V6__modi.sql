-- ModI: the jti of every Agid-JWT-Signature accepted, until it expires (anti-replay across restarts and instances)
create table modi_jti (
    jti         varchar(200) primary key,
    client_id   varchar(200) not null,
    expires_at  timestamptz  not null
);
create index modi_jti_expiry_idx on modi_jti (expires_at);
