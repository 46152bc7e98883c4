CREATE TABLE "dataset_item_write_generations" (
	"project_id" text PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dataset_items" (
	"id" text NOT NULL,
	"project_id" text NOT NULL,
	"dataset_id" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"input" jsonb,
	"expected_output" jsonb,
	"metadata" jsonb,
	"source_trace_id" text,
	"source_observation_id" text,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	"valid_from" timestamp (3) NOT NULL,
	"valid_to" timestamp (3),
	"is_deleted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "dataset_items_pkey" PRIMARY KEY("project_id","id","valid_from")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metadata" jsonb,
	"input_schema" json,
	"expected_output_schema" json,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_pkey" PRIMARY KEY("id","project_id"),
	CONSTRAINT "datasets_project_id_name_key" UNIQUE("project_id","name")
);
--> statement-breakpoint
ALTER TABLE "dataset_item_write_generations" ADD CONSTRAINT "dataset_item_write_generations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_items" ADD CONSTRAINT "dataset_items_dataset_fk" FOREIGN KEY ("dataset_id","project_id") REFERENCES "public"."datasets"("id","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_items_open_id_idx" ON "dataset_items" USING btree ("project_id","id") WHERE "dataset_items"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "dataset_items_current_idx" ON "dataset_items" USING btree ("project_id","dataset_id","valid_from" DESC NULLS LAST,"id") WHERE "dataset_items"."valid_to" is null and "dataset_items"."is_deleted" = false and "dataset_items"."status" = 'ACTIVE';--> statement-breakpoint
CREATE INDEX "dataset_items_history_idx" ON "dataset_items" USING btree ("project_id","dataset_id","valid_from");--> statement-breakpoint
CREATE INDEX "dataset_items_source_trace_idx" ON "dataset_items" USING btree ("project_id","source_trace_id") WHERE "dataset_items"."source_trace_id" is not null;--> statement-breakpoint
CREATE INDEX "dataset_items_source_observation_idx" ON "dataset_items" USING btree ("project_id","source_observation_id") WHERE "dataset_items"."source_observation_id" is not null;--> statement-breakpoint
CREATE INDEX "datasets_project_id_created_at_idx" ON "datasets" USING btree ("project_id","created_at");