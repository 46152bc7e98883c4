CREATE TABLE "dataset_runs" (
	"id" text NOT NULL,
	"project_id" text NOT NULL,
	"dataset_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metadata" jsonb,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_runs_pkey" PRIMARY KEY("id","project_id"),
	CONSTRAINT "dataset_runs_dataset_id_project_id_name_key" UNIQUE("dataset_id","project_id","name")
);
--> statement-breakpoint
ALTER TABLE "dataset_runs" ADD CONSTRAINT "dataset_runs_dataset_fk" FOREIGN KEY ("dataset_id","project_id") REFERENCES "public"."datasets"("id","project_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_runs_list_idx" ON "dataset_runs" USING btree ("project_id","dataset_id","created_at" DESC NULLS LAST,"id");