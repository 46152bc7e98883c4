CREATE TABLE "prompt_cache_listeners" (
	"id" uuid PRIMARY KEY NOT NULL,
	"pid" integer NOT NULL,
	"lease_until" timestamp (3) with time zone NOT NULL
);
