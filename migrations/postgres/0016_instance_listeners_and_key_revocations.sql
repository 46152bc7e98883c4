CREATE TABLE "instance_listeners" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"pid" integer NOT NULL,
	"lease_until" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
DROP TABLE "prompt_cache_listeners" CASCADE;--> statement-breakpoint
-- Every change that can make a cached key wrong notifies the instances, whatever made it: Wick's
-- routes, a cascade from a project or organization, or an operator's SQL. The notification is sent
-- when the transaction commits, and never when it rolls back.
CREATE FUNCTION "wick_notify_api_key_revoked"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wick_api_key_revocations', json_build_object('publicKey', OLD.public_key)::text);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "api_keys_revoked" AFTER DELETE OR UPDATE OF "public_key", "fast_hashed_secret_key", "scope", "project_id", "organization_id" ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION "wick_notify_api_key_revoked"();
