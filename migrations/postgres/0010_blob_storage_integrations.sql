CREATE TABLE "blob_storage_integrations" (
	"project_id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"bucket_name" text NOT NULL,
	"prefix" text DEFAULT '' NOT NULL,
	"access_key_id" text,
	"secret_access_key" text,
	"region" text NOT NULL,
	"endpoint" text,
	"force_path_style" boolean NOT NULL,
	"next_sync_at" timestamp (3),
	"last_sync_at" timestamp (3),
	"enabled" boolean NOT NULL,
	"export_frequency" text NOT NULL,
	"file_type" text DEFAULT 'CSV' NOT NULL,
	"export_mode" text DEFAULT 'FULL_HISTORY' NOT NULL,
	"export_start_date" timestamp (3),
	"export_source" text NOT NULL,
	"export_field_groups" text[] DEFAULT array['core','basic','time','io','metadata','model','usage','prompt','metrics','tools','trace_context']::text[] NOT NULL,
	"compressed" boolean DEFAULT true NOT NULL,
	"run_started_at" timestamp (3),
	"last_error" text,
	"last_error_at" timestamp (3),
	"last_failure_notification_sent_at" timestamp (3),
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "blob_storage_integrations" ADD CONSTRAINT "blob_storage_integrations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;