-- Issue 14: documents of any size. A content up to 1 MiB stays inline (bytea, as before); a larger one is a
-- PostgreSQL large object, written and read in chunks (lo_put / lo_get), so no content is ever held whole in memory
-- and none is limited by bytea's 1 GB. Large objects live and commit with the pratica's rows, on every instance.
alter table documento alter column content drop not null;
alter table documento add column content_oid oid;
alter table documento add constraint documento_one_content
    check ((content is null) <> (content_oid is null));

-- a large object is not deleted with the row that names it: unlink it then (the retention's purge, a test's reset)
create function documento_unlink_content() returns trigger language plpgsql as $$
begin
    if old.content_oid is not null then
        perform lo_unlink(old.content_oid);
    end if;
    return old;
end $$;
create trigger documento_unlink_content after delete on documento
    for each row execute function documento_unlink_content();
