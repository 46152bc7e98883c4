CREATE TABLE "prompt_dependencies" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"parent_id" text NOT NULL,
	"child_name" text NOT NULL,
	"child_label" text,
	"child_version" integer,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "prompt_dependencies_one_target" CHECK (("prompt_dependencies"."child_label" is null) <> ("prompt_dependencies"."child_version" is null))
);
--> statement-breakpoint
CREATE TABLE "prompts" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"type" text DEFAULT 'text' NOT NULL,
	"prompt" jsonb NOT NULL,
	"config" json DEFAULT '{}'::json NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"commit_message" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "prompts_project_id_name_version_key" UNIQUE("project_id","name","version")
);
--> statement-breakpoint
ALTER TABLE "prompt_dependencies" ADD CONSTRAINT "prompt_dependencies_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_dependencies" ADD CONSTRAINT "prompt_dependencies_parent_id_prompts_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prompt_dependencies_project_id_parent_id_idx" ON "prompt_dependencies" USING btree ("project_id","parent_id");--> statement-breakpoint
CREATE INDEX "prompt_dependencies_project_id_child_name_idx" ON "prompt_dependencies" USING btree ("project_id","child_name");--> statement-breakpoint
CREATE INDEX "prompts_labels_idx" ON "prompts" USING gin ("labels");--> statement-breakpoint
CREATE INDEX "prompts_tags_idx" ON "prompts" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "prompts_project_id_updated_at_idx" ON "prompts" USING btree ("project_id","updated_at");