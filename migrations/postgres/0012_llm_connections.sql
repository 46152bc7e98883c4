CREATE TABLE "llm_api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"provider" text NOT NULL,
	"adapter" text NOT NULL,
	"display_secret_key" text NOT NULL,
	"secret_key" text NOT NULL,
	"base_url" text,
	"custom_models" text[] DEFAULT '{}'::text[] NOT NULL,
	"with_default_models" boolean DEFAULT true NOT NULL,
	"extra_headers" text,
	"extra_header_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"config" jsonb,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "llm_api_keys_project_id_provider_key" UNIQUE("project_id","provider")
);
--> statement-breakpoint
ALTER TABLE "llm_api_keys" ADD CONSTRAINT "llm_api_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "llm_api_keys_project_id_created_at_idx" ON "llm_api_keys" USING btree ("project_id","created_at");