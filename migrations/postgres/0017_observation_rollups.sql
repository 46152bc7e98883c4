CREATE SEQUENCE "public"."observation_rollup_builds" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "observation_rollup_days" (
	"project_id" text NOT NULL,
	"day" date NOT NULL,
	"dirty_until" timestamp(6) with time zone NOT NULL,
	"build_id" bigint,
	"built_from" timestamp(6) with time zone,
	CONSTRAINT "observation_rollup_days_pkey" PRIMARY KEY("project_id","day")
);
