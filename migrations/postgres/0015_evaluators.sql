CREATE TABLE "evaluation_rule_evaluator_assignments" (
	"id" text PRIMARY KEY NOT NULL,
	"evaluation_rule_id" text NOT NULL,
	"evaluator_id" text NOT NULL,
	"variable_mapping" jsonb,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_rule_evaluator_assignments_rule_evaluator_key" UNIQUE("evaluation_rule_id","evaluator_id")
);
--> statement-breakpoint
CREATE TABLE "evaluation_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"target_object" text NOT NULL,
	"filter" jsonb NOT NULL,
	"sampling" double precision DEFAULT 1 NOT NULL,
	"delay" integer DEFAULT 0 NOT NULL,
	"time_scope" text[] DEFAULT '{NEW}'::text[] NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluator_versions" (
	"evaluator_id" text NOT NULL,
	"version" integer NOT NULL,
	"prompt" text,
	"provider" text,
	"model" text,
	"model_params" jsonb,
	"vars" text[] DEFAULT '{}'::text[] NOT NULL,
	"variable_mapping" jsonb,
	"output_definition" jsonb,
	"source_code" text,
	"source_code_language" text,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "evaluator_versions_pkey" PRIMARY KEY("evaluator_id","version")
);
--> statement-breakpoint
CREATE TABLE "evaluators" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"description" text,
	"blocked_at" timestamp (3),
	"block_reason" text,
	"block_message" text,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evaluation_rule_evaluator_assignments" ADD CONSTRAINT "evaluation_rule_evaluator_assignments_evaluation_rule_id_evaluation_rules_id_fk" FOREIGN KEY ("evaluation_rule_id") REFERENCES "public"."evaluation_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_rule_evaluator_assignments" ADD CONSTRAINT "evaluation_rule_evaluator_assignments_evaluator_id_evaluators_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."evaluators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_rules" ADD CONSTRAINT "evaluation_rules_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluator_versions" ADD CONSTRAINT "evaluator_versions_evaluator_id_evaluators_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."evaluators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluators" ADD CONSTRAINT "evaluators_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evaluation_rule_evaluator_assignments_evaluator_id_idx" ON "evaluation_rule_evaluator_assignments" USING btree ("evaluator_id");--> statement-breakpoint
CREATE INDEX "evaluation_rules_project_id_created_at_idx" ON "evaluation_rules" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "evaluators_project_id_name_idx" ON "evaluators" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "evaluators_project_id_updated_at_idx" ON "evaluators" USING btree ("project_id","updated_at");