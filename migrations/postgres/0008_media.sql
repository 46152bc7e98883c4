CREATE TABLE "dataset_item_media" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"media_id" text NOT NULL,
	"dataset_id" text NOT NULL,
	"dataset_item_id" text NOT NULL,
	"dataset_item_valid_from" timestamp (3),
	"field" text NOT NULL,
	"json_path" text,
	"reference_string" text,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_item_media_version_path_key" UNIQUE("project_id","dataset_item_id","dataset_item_valid_from","field","json_path")
);
--> statement-breakpoint
CREATE TABLE "media" (
	"id" text NOT NULL,
	"project_id" text NOT NULL,
	"sha_256_hash" char(44) NOT NULL,
	"uploaded_at" timestamp (3),
	"upload_http_status" integer,
	"upload_http_error" text,
	"bucket_path" text NOT NULL,
	"bucket_name" text NOT NULL,
	"content_type" text NOT NULL,
	"content_length" bigint NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "media_pkey" PRIMARY KEY("project_id","id"),
	CONSTRAINT "media_project_id_sha_256_hash_key" UNIQUE("project_id","sha_256_hash")
);
--> statement-breakpoint
CREATE TABLE "observation_media" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"trace_id" text NOT NULL,
	"observation_id" text NOT NULL,
	"media_id" text NOT NULL,
	"field" text NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "observation_media_project_id_trace_id_observation_id_media_id_field_key" UNIQUE("project_id","trace_id","observation_id","media_id","field")
);
--> statement-breakpoint
CREATE TABLE "trace_media" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"trace_id" text NOT NULL,
	"media_id" text NOT NULL,
	"field" text NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "trace_media_project_id_trace_id_media_id_field_key" UNIQUE("project_id","trace_id","media_id","field")
);
--> statement-breakpoint
ALTER TABLE "dataset_item_media" ADD CONSTRAINT "dataset_item_media_media_fk" FOREIGN KEY ("project_id","media_id") REFERENCES "public"."media"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation_media" ADD CONSTRAINT "observation_media_media_fk" FOREIGN KEY ("project_id","media_id") REFERENCES "public"."media"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_media" ADD CONSTRAINT "trace_media_media_fk" FOREIGN KEY ("project_id","media_id") REFERENCES "public"."media"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_item_media_pending_key" ON "dataset_item_media" USING btree ("project_id","dataset_item_id","field","media_id") WHERE "dataset_item_media"."dataset_item_valid_from" is null;--> statement-breakpoint
CREATE INDEX "dataset_item_media_project_id_media_id_idx" ON "dataset_item_media" USING btree ("project_id","media_id");--> statement-breakpoint
CREATE INDEX "dataset_item_media_project_id_dataset_id_idx" ON "dataset_item_media" USING btree ("project_id","dataset_id");--> statement-breakpoint
CREATE INDEX "observation_media_project_id_media_id_idx" ON "observation_media" USING btree ("project_id","media_id");--> statement-breakpoint
CREATE INDEX "trace_media_project_id_media_id_idx" ON "trace_media" USING btree ("project_id","media_id");