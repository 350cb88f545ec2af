/* Generated from the query API's /openapi.json by openapi-typescript: do not edit.
 * Regenerate: cd infra && PARLEY_WRITE_API_TYPES=1 npx vitest run test/query-api-types.int.test.ts */
export interface paths {
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The key's tenant and user, their role, the tenant's teams and its default time zone */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            tenantId: string;
                            tenantName: string;
                            /** Format: uuid */
                            userId: string;
                            name: string;
                            email: string;
                            /** @enum {string} */
                            role: "admin" | "supervisor" | "agent" | "analyst" | "billing";
                            /** @description The tenant's default time zone: the business-hours time zone of its first team (by name) that has business hours; UTC when no team has any */
                            timeZone: string;
                            /**
                             * @description business-hours: taken from a team calendar; default: UTC, no team has business hours
                             * @enum {string}
                             */
                            timeZoneSource: "business-hours" | "default";
                            teams: {
                                /** Format: uuid */
                                teamId: string;
                                name: string;
                                /** @description Its business-hours time zone; null: none set */
                                timeZone: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The inbox: conversations filtered, sorted and paged by cursor */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                    /** @description Comma-separated statuses */
                    status?: string;
                    /** @description "me", "unassigned" or an agent id */
                    assignee?: "me" | "unassigned" | string;
                    team?: string;
                    tag?: string;
                    /** @description Comma-separated priorities */
                    priority?: string;
                    unread?: "true" | "false";
                    /** @description Full-text search over message text (web search syntax: "quoted phrases", or, -not) */
                    q?: string;
                    sort?: "last_activity" | "longest_waiting" | "priority";
                    limit?: number;
                    /** @description nextCursor of the previous page, with the same sort */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                contactId: string;
                                contactName: string | null;
                                contactWaId: string | null;
                                /** Format: uuid */
                                numberId: string;
                                /** @enum {string} */
                                status: "new" | "queued" | "assigned" | "pending_customer" | "pending_agent" | "closed";
                                /** @enum {string} */
                                priority: "low" | "normal" | "high" | "urgent";
                                /** Format: uuid */
                                teamId: string | null;
                                /** Format: uuid */
                                assigneeId: string | null;
                                tags: string[];
                                /** @description Customer messages since the last agent (human) reply */
                                unreadCount: number;
                                messageCount: number;
                                lastMessage: {
                                    preview: string;
                                    /** @enum {string} */
                                    direction: "inbound" | "outbound";
                                    /** @description ISO 8601 instant */
                                    at: string;
                                } | null;
                                /**
                                 * Format: uuid
                                 * @description Who had it last: the assignee of an open conversation, the agent who had it when it closed
                                 */
                                lastAssigneeId: string | null;
                                /** @description ISO 8601 instant */
                                lastActivityAt: string;
                                /** @description Since when the customer waits for a human reply; null: not waiting */
                                waitingSince: string | null;
                                /** @description ISO 8601 instant */
                                openedAt: string;
                                /** @description ISO 8601 instant */
                                firstInboundAt: string | null;
                                /** @description First human reply */
                                firstResponseAt: string | null;
                                /** @description ISO 8601 instant */
                                closedAt: string | null;
                                /** @description ISO 8601 instant */
                                firstClosedAt: string | null;
                                reopenedCount: number;
                                closeReason: string | null;
                                outcome: string | null;
                                csatScore: number | null;
                            }[];
                            /** @description Pass as cursor for the next page; null: last page */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One conversation with its private notes */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            contactId: string;
                            contactName: string | null;
                            contactWaId: string | null;
                            /** Format: uuid */
                            numberId: string;
                            /** @enum {string} */
                            status: "new" | "queued" | "assigned" | "pending_customer" | "pending_agent" | "closed";
                            /** @enum {string} */
                            priority: "low" | "normal" | "high" | "urgent";
                            /** Format: uuid */
                            teamId: string | null;
                            /** Format: uuid */
                            assigneeId: string | null;
                            tags: string[];
                            /** @description Customer messages since the last agent (human) reply */
                            unreadCount: number;
                            messageCount: number;
                            lastMessage: {
                                preview: string;
                                /** @enum {string} */
                                direction: "inbound" | "outbound";
                                /** @description ISO 8601 instant */
                                at: string;
                            } | null;
                            /**
                             * Format: uuid
                             * @description Who had it last: the assignee of an open conversation, the agent who had it when it closed
                             */
                            lastAssigneeId: string | null;
                            /** @description ISO 8601 instant */
                            lastActivityAt: string;
                            /** @description Since when the customer waits for a human reply; null: not waiting */
                            waitingSince: string | null;
                            /** @description ISO 8601 instant */
                            openedAt: string;
                            /** @description ISO 8601 instant */
                            firstInboundAt: string | null;
                            /** @description First human reply */
                            firstResponseAt: string | null;
                            /** @description ISO 8601 instant */
                            closedAt: string | null;
                            /** @description ISO 8601 instant */
                            firstClosedAt: string | null;
                            reopenedCount: number;
                            closeReason: string | null;
                            outcome: string | null;
                            csatScore: number | null;
                            notes: {
                                /** Format: uuid */
                                id: string;
                                authorId: string;
                                body: string;
                                /** @description ISO 8601 instant */
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A conversation's messages with each one's delivery status timeline */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                    limit?: number;
                    cursor?: string;
                    /** @description asc: oldest first; desc: newest first */
                    order?: "asc" | "desc";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** @enum {string} */
                                direction: "inbound" | "outbound";
                                wamid: string | null;
                                type: string;
                                text: string | null;
                                content: {
                                    [key: string]: unknown;
                                };
                                sender: {
                                    type: string;
                                    id: string;
                                };
                                /** @description ISO 8601 instant */
                                sentAt: string;
                                /** @description Furthest delivery status reached (outbound: queued until WhatsApp reports) */
                                status: string | null;
                                /** @description In the order they happened (lifecycle order within one second), whatever order WhatsApp reported them in */
                                statuses: {
                                    status: string;
                                    /** @description ISO 8601 instant */
                                    at: string;
                                    error: {
                                        code: number;
                                        title: string;
                                        details: string | null;
                                    } | null;
                                    /** @description What WhatsApp said this status costs (usage billing reads it); null: it said nothing */
                                    pricing: {
                                        billable: boolean | null;
                                        category: string | null;
                                    } | null;
                                }[];
                            }[];
                            /** @description Pass as cursor for the next page; null: last page */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/conversations/{id}/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A conversation's timeline, oldest first: messages with their delivery statuses, assignments, transfers, notes, status, priority and tag changes, close, reopen, CSAT */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /**
                                 * Format: uuid
                                 * @description The event id: stable, so an entry can be linked to and deduplicated
                                 */
                                id: string;
                                /** @enum {string} */
                                type: "ConversationOpened" | "MessageReceived" | "MessageQueued" | "ConversationQueued" | "ConversationAssigned" | "ConversationTransferred" | "ConversationUnassigned" | "ConversationStatusChanged" | "ConversationPriorityChanged" | "ConversationTagged" | "ConversationUntagged" | "NoteAdded" | "ConversationClosed" | "ConversationReopened" | "CsatRecorded";
                                /** @description When it happened (the event’s occurredAt) */
                                at: string;
                                /** @description Who did it: a user id for agents and supervisors */
                                actor: {
                                    /** @enum {string} */
                                    type: "customer" | "agent" | "supervisor" | "system" | "bot";
                                    id: string;
                                };
                                /** @description The event’s data as the event catalog defines it for `type` (by whom to whom, from/to, tag, note body, score); {} for messages: see `message` */
                                data: {
                                    [key: string]: unknown;
                                };
                                /** @description MessageReceived, MessageQueued: the message with its delivery statuses; null for other types */
                                message: {
                                    /** Format: uuid */
                                    id: string;
                                    /** @enum {string} */
                                    direction: "inbound" | "outbound";
                                    wamid: string | null;
                                    type: string;
                                    text: string | null;
                                    content: {
                                        [key: string]: unknown;
                                    };
                                    sender: {
                                        type: string;
                                        id: string;
                                    };
                                    /** @description ISO 8601 instant */
                                    sentAt: string;
                                    /** @description Furthest delivery status reached (outbound: queued until WhatsApp reports) */
                                    status: string | null;
                                    /** @description In the order they happened (lifecycle order within one second), whatever order WhatsApp reported them in */
                                    statuses: {
                                        status: string;
                                        /** @description ISO 8601 instant */
                                        at: string;
                                        error: {
                                            code: number;
                                            title: string;
                                            details: string | null;
                                        } | null;
                                        /** @description What WhatsApp said this status costs (usage billing reads it); null: it said nothing */
                                        pricing: {
                                            billable: boolean | null;
                                            category: string | null;
                                        } | null;
                                    }[];
                                } | null;
                            }[];
                            /** @description Pass as cursor for the next page; null: last page */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A contact with its conversation history */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            waId: string | null;
                            whatsappUserId: string | null;
                            name: string | null;
                            /** @description Union of the tags on the contact's conversations */
                            tags: string[];
                            /** @description ISO 8601 instant */
                            firstContactAt: string | null;
                            /** @description ISO 8601 instant */
                            lastContactAt: string | null;
                            messages: {
                                inbound: number;
                                outbound: number;
                            };
                            conversationCount: number;
                            /** @description Most recent first, up to 100 */
                            conversations: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                contactId: string;
                                contactName: string | null;
                                contactWaId: string | null;
                                /** Format: uuid */
                                numberId: string;
                                /** @enum {string} */
                                status: "new" | "queued" | "assigned" | "pending_customer" | "pending_agent" | "closed";
                                /** @enum {string} */
                                priority: "low" | "normal" | "high" | "urgent";
                                /** Format: uuid */
                                teamId: string | null;
                                /** Format: uuid */
                                assigneeId: string | null;
                                tags: string[];
                                /** @description Customer messages since the last agent (human) reply */
                                unreadCount: number;
                                messageCount: number;
                                lastMessage: {
                                    preview: string;
                                    /** @enum {string} */
                                    direction: "inbound" | "outbound";
                                    /** @description ISO 8601 instant */
                                    at: string;
                                } | null;
                                /**
                                 * Format: uuid
                                 * @description Who had it last: the assignee of an open conversation, the agent who had it when it closed
                                 */
                                lastAssigneeId: string | null;
                                /** @description ISO 8601 instant */
                                lastActivityAt: string;
                                /** @description Since when the customer waits for a human reply; null: not waiting */
                                waitingSince: string | null;
                                /** @description ISO 8601 instant */
                                openedAt: string;
                                /** @description ISO 8601 instant */
                                firstInboundAt: string | null;
                                /** @description First human reply */
                                firstResponseAt: string | null;
                                /** @description ISO 8601 instant */
                                closedAt: string | null;
                                /** @description ISO 8601 instant */
                                firstClosedAt: string | null;
                                reopenedCount: number;
                                closeReason: string | null;
                                outcome: string | null;
                                csatScore: number | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/supervisor/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live queue per team: waiting conversations, the oldest wait, open conversations by status */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /**
                                 * Format: uuid
                                 * @description null: conversations not routed to a team yet
                                 */
                                teamId: string | null;
                                teamName: string | null;
                                /** @description Open and not with an agent (new or queued) */
                                waiting: number;
                                /** @description ISO 8601 instant */
                                oldestWaitingSince: string | null;
                                open: number;
                                byStatus: {
                                    new: number;
                                    queued: number;
                                    assigned: number;
                                    pending_customer: number;
                                    pending_agent: number;
                                };
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/supervisor/workload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open conversations per agent (optionally of one team), most loaded first */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                    team?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                agentId: string;
                                name: string;
                                role: string;
                                teamIds: string[];
                                open: number;
                                /** @description Open conversations whose customer waits for a human reply */
                                awaitingReply: number;
                                /** @description ISO 8601 instant */
                                oldestWaitingSince: string | null;
                                byStatus: {
                                    [key: string]: number;
                                };
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's teams with their members, SLA targets per priority and business hours */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                teamId: string;
                                name: string;
                                /** @description By name */
                                members: {
                                    /** Format: uuid */
                                    userId: string;
                                    name: string;
                                    /** @enum {string} */
                                    role: "admin" | "supervisor" | "agent" | "analyst" | "billing";
                                    /** @description false: deactivated (no key works, no conversations are given to them) */
                                    active: boolean;
                                }[];
                                /** @description One per priority that has targets, low to urgent; a priority without an entry has none */
                                slaPolicies: {
                                    /** @enum {string} */
                                    priority: "low" | "normal" | "high" | "urgent";
                                    firstResponseSeconds: number;
                                    /** @description null: later waits have no target */
                                    nextResponseSeconds: number | null;
                                    resolutionSeconds: number;
                                }[];
                                /** @description As last set; null: none set (SLA targets count wall-clock time) */
                                businessHours: {
                                    timeZone: string;
                                    periods: {
                                        /** @description 0 = Monday … 6 = Sunday */
                                        day: number;
                                        open: string;
                                        close: string;
                                    }[];
                                    holidays: string[];
                                } | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's users (deactivated ones too): name, email, role, active, teams */
        get: {
            parameters: {
                query?: {
                    /** @description Wait until the read model includes this position (from a command answer); also accepted as the Parley-Min-Position header */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                userId: string;
                                name: string;
                                email: string;
                                /** @enum {string} */
                                role: "admin" | "supervisor" | "agent" | "analyst" | "billing";
                                /** @description false: deactivated (no key works, no conversations are given to them) */
                                active: boolean;
                                /** @description The teams they are a member of */
                                teamIds: string[];
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every projector: checkpoint, lag, parked events */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                name: string;
                                /** @description Last applied position (its checkpoint); "" before the first */
                                position: string;
                                /** @description Events in the log after the checkpoint (capped at 1,000,000); null when unknown */
                                eventsBehind: number | null;
                                /** @description Age of the oldest event not applied yet; 0 when caught up */
                                secondsBehind: number;
                                /** @description Parked events not replayed yet */
                                parked: number;
                                /** @description Running in this process (projectors may run in their own) */
                                running: boolean;
                                /** @description A rebuild in progress, in any process: how far its fresh tables are */
                                rebuilding?: {
                                    position: string;
                                    eventsBehind: number;
                                } | null;
                                /** @description When the checkpoint last moved (ISO 8601); null when not known */
                                lastProgressAt: string | null;
                                /** @description How long events have waited with the checkpoint not moving: since the later of its last move and the oldest waiting event; 0 when none wait */
                                stalledSeconds: number;
                                /** @description In the process that runs it: since when its loop has been failing and retrying (ISO 8601); null when it is not */
                                failingSince: string | null;
                                /** @description The loop's latest failure in this process, kept after it recovered */
                                lastError: {
                                    /** @description When (ISO 8601) */
                                    at: string;
                                    /** @description What failed, and the error */
                                    message: string;
                                } | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projections/{name}/parked": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events a projector parked because its handler threw */
        get: {
            parameters: {
                query?: {
                    includeReplayed?: "true" | "false";
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                eventId: string;
                                position: string;
                                streamId: string;
                                eventType: string;
                                error: string;
                                attempts: number;
                                /** @description ISO 8601 instant */
                                parkedAt: string;
                                /** @description ISO 8601 instant */
                                replayedAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projections/{name}/parked/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Apply a parked event again (after its handler was fixed) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            replayed: true;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/projections/{name}/rebuild": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rebuild from zero into fresh tables, swapped in once caught up (readers keep the old ones meanwhile) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            started: true;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's webhook subscriptions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                subscriptionId: string;
                                url: string;
                                eventTypes: string[];
                                active: boolean;
                                disabledReason: string | null;
                                /** @description ISO 8601 instant */
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-subscriptions/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A subscription's delivery log: its latest deliveries with every attempt (status, latency, response excerpt) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                deliveryId: string;
                                webhookId: string;
                                type: string;
                                /** @enum {string} */
                                state: "pending" | "delivered" | "failed" | "cancelled";
                                attempts: {
                                    attempt: number;
                                    /** @description ISO 8601 instant */
                                    at: string;
                                    outcome: string;
                                    httpStatus: number | null;
                                    error: string | null;
                                    latencyMs: number;
                                    responseExcerpt: string | null;
                                }[];
                                /** @description ISO 8601 instant */
                                nextAttemptAt: string | null;
                                /** @description ISO 8601 instant */
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The plan catalog: every plan’s latest version */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description Plan key */
                                planKey: string;
                                version: number;
                                terms: {
                                    name: string;
                                    /** @enum {string} */
                                    currency: "EUR" | "USD" | "GBP";
                                    /** @enum {string} */
                                    cycle: "monthly" | "yearly";
                                    /** @enum {string} */
                                    alignment: "calendar" | "anniversary";
                                    rank: number;
                                    flatFee: number;
                                    charges: {
                                        /** @description Meter key */
                                        meter: string;
                                        includedUnits: number;
                                        price: {
                                            /** @enum {string} */
                                            model: "per_unit";
                                            unitPrice: string;
                                        } | {
                                            /** @enum {string} */
                                            model: "graduated";
                                            tiers: {
                                                upTo: number | null;
                                                unitPrice: string;
                                            }[];
                                        } | {
                                            /** @enum {string} */
                                            model: "volume";
                                            tiers: {
                                                upTo: number | null;
                                                unitPrice: string;
                                            }[];
                                        } | {
                                            /** @enum {string} */
                                            model: "package";
                                            packageSize: number;
                                            packagePrice: number;
                                        };
                                    }[];
                                    minimumCommitment: number | null;
                                    trialDays: number;
                                };
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant’s plan: in force now with its terms, its trial, current period and any downgrade waiting */
        get: {
            parameters: {
                query?: {
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description null: no plan chosen yet */
                            subscription: {
                                /** @description Plan key */
                                planKey: string;
                                version: number;
                                /** @description The terms in force: those of the version the tenant is on, which may be older than the catalog’s latest */
                                terms: {
                                    name: string;
                                    /** @enum {string} */
                                    currency: "EUR" | "USD" | "GBP";
                                    /** @enum {string} */
                                    cycle: "monthly" | "yearly";
                                    /** @enum {string} */
                                    alignment: "calendar" | "anniversary";
                                    rank: number;
                                    flatFee: number;
                                    charges: {
                                        /** @description Meter key */
                                        meter: string;
                                        includedUnits: number;
                                        price: {
                                            /** @enum {string} */
                                            model: "per_unit";
                                            unitPrice: string;
                                        } | {
                                            /** @enum {string} */
                                            model: "graduated";
                                            tiers: {
                                                upTo: number | null;
                                                unitPrice: string;
                                            }[];
                                        } | {
                                            /** @enum {string} */
                                            model: "volume";
                                            tiers: {
                                                upTo: number | null;
                                                unitPrice: string;
                                            }[];
                                        } | {
                                            /** @enum {string} */
                                            model: "package";
                                            packageSize: number;
                                            packagePrice: number;
                                        };
                                    }[];
                                    minimumCommitment: number | null;
                                    trialDays: number;
                                };
                                name: string;
                                /** @enum {string} */
                                currency: "EUR" | "USD" | "GBP";
                                /** Format: date-time */
                                startedAt: string;
                                timeZone: string;
                                /** Format: date-time */
                                trialEndsAt: string | null;
                                currentPeriod: {
                                    /** Format: date-time */
                                    start: string;
                                    /** Format: date-time */
                                    end: string;
                                };
                                /** @description A downgrade waiting for its period end */
                                scheduledChange: {
                                    /** @description Plan key */
                                    planKey: string;
                                    /** Format: date-time */
                                    effectiveAt: string;
                                } | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{tenantId}/billing/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A tenant’s plan (platform admin key). Deprecated: GET /v1/billing/plan?tenantId= reads it as every other billing read does
         * @deprecated
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    tenantId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description null: no plan chosen yet */
                            subscription: {
                                /** @description Plan key */
                                planKey: string;
                                version: number;
                                /** @description The terms in force: those of the version the tenant is on, which may be older than the catalog’s latest */
                                terms: {
                                    name: string;
                                    /** @enum {string} */
                                    currency: "EUR" | "USD" | "GBP";
                                    /** @enum {string} */
                                    cycle: "monthly" | "yearly";
                                    /** @enum {string} */
                                    alignment: "calendar" | "anniversary";
                                    rank: number;
                                    flatFee: number;
                                    charges: {
                                        /** @description Meter key */
                                        meter: string;
                                        includedUnits: number;
                                        price: {
                                            /** @enum {string} */
                                            model: "per_unit";
                                            unitPrice: string;
                                        } | {
                                            /** @enum {string} */
                                            model: "graduated";
                                            tiers: {
                                                upTo: number | null;
                                                unitPrice: string;
                                            }[];
                                        } | {
                                            /** @enum {string} */
                                            model: "volume";
                                            tiers: {
                                                upTo: number | null;
                                                unitPrice: string;
                                            }[];
                                        } | {
                                            /** @enum {string} */
                                            model: "package";
                                            packageSize: number;
                                            packagePrice: number;
                                        };
                                    }[];
                                    minimumCommitment: number | null;
                                    trialDays: number;
                                };
                                name: string;
                                /** @enum {string} */
                                currency: "EUR" | "USD" | "GBP";
                                /** Format: date-time */
                                startedAt: string;
                                timeZone: string;
                                /** Format: date-time */
                                trialEndsAt: string | null;
                                currentPeriod: {
                                    /** Format: date-time */
                                    start: string;
                                    /** Format: date-time */
                                    end: string;
                                };
                                /** @description A downgrade waiting for its period end */
                                scheduledChange: {
                                    /** @description Plan key */
                                    planKey: string;
                                    /** Format: date-time */
                                    effectiveAt: string;
                                } | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/subscription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's subscription as Stripe last reported it, with its dunning state */
        get: {
            parameters: {
                query?: {
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscription: {
                                /** Format: uuid */
                                tenantId: string;
                                /** @description Stripe's subscription id (sub_…) */
                                subscriptionId: string;
                                /** @description Stripe's customer id (cus_…) */
                                customerId: string;
                                /** @enum {string} */
                                status: "trialing" | "active" | "past_due" | "canceled" | "unpaid" | "incomplete" | "incomplete_expired" | "paused";
                                priceId: string | null;
                                currency: string | null;
                                /** @description ISO 8601 instant */
                                currentPeriodStart: string | null;
                                /** @description ISO 8601 instant */
                                currentPeriodEnd: string | null;
                                /** @description ISO 8601 instant */
                                trialEnd: string | null;
                                cancelAtPeriodEnd: boolean;
                                /** @description ISO 8601 instant */
                                canceledAt: string | null;
                                /** @description ISO 8601 instant */
                                pastDueSince: string | null;
                                /** @description Dunning: since when the tenant's marketing template sends are refused; null: they are not */
                                marketingSuspendedSince: string | null;
                                /** @description ISO 8601 instant */
                                updatedAt: string;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's payments, newest first: amounts in minor units, failures with their reason, refunds and disputes */
        get: {
            parameters: {
                query?: {
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @description The payment intent id, else the invoice id, else the charge id */
                                paymentKey: string;
                                subscriptionId: string | null;
                                invoiceId: string | null;
                                paymentIntentId: string | null;
                                chargeId: string | null;
                                /** @description Integer minor units of currency (cents) */
                                amount: number;
                                currency: string;
                                /** @enum {string} */
                                status: "succeeded" | "failed" | "requires_action";
                                failureReason: string | null;
                                amountRefunded: number;
                                disputeId: string | null;
                                disputedAmount: number;
                                disputeReason: string | null;
                                /** @description ISO 8601 instant */
                                createdAt: string;
                                /** @description ISO 8601 instant */
                                updatedAt: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's invoices, newest period first: drafts in their grace and finalized ones; amounts in minor units */
        get: {
            parameters: {
                query?: {
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                    limit?: number;
                    /** @description nextCursor of the page before */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                invoiceId: string;
                                /** Format: uuid */
                                tenantId: string;
                                period: {
                                    /** Format: date-time */
                                    start: string;
                                    /** Format: date-time */
                                    end: string;
                                };
                                /**
                                 * @description draft: in its grace, late usage may still change it; finalized: never changes (later usage goes on a later invoice)
                                 * @enum {string}
                                 */
                                status: "draft" | "finalized";
                                /** @enum {string} */
                                currency: "EUR" | "USD" | "GBP";
                                subtotal: number;
                                tax: number;
                                total: number;
                                /** @description ISO 8601 instant */
                                draftedAt: string;
                                /** @description ISO 8601 instant */
                                finalizedAt: string | null;
                                /**
                                 * @description Reserved: adjustments of a finalized period are lines of a later invoice, not invoices of their own
                                 * @enum {string|null}
                                 */
                                adjustmentOf: null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/quota-alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's quota alerts, newest first: a meter's use reached 80 % or 100 % of the units its plan includes in a period */
        get: {
            parameters: {
                query?: {
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                meter: string;
                                period: {
                                    /** Format: date-time */
                                    start: string;
                                    /** Format: date-time */
                                    end: string;
                                };
                                /** @description Percent of the included units */
                                threshold: 80 | 100;
                                includedUnits: number;
                                /** @description Units used in the period when the threshold was found crossed */
                                usedUnits: number;
                                /** @description ISO 8601 instant */
                                at: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/invoices/{invoiceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One invoice with every line (quantity, units, tier, unit price, amount, the stretch it covers); format=csv or Accept: text/csv: a row per line */
        get: {
            parameters: {
                query?: {
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                    format?: "json" | "csv";
                };
                header?: never;
                path: {
                    invoiceId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            invoiceId: string;
                            /** Format: uuid */
                            tenantId: string;
                            period: {
                                /** Format: date-time */
                                start: string;
                                /** Format: date-time */
                                end: string;
                            };
                            /**
                             * @description draft: in its grace, late usage may still change it; finalized: never changes (later usage goes on a later invoice)
                             * @enum {string}
                             */
                            status: "draft" | "finalized";
                            /** @enum {string} */
                            currency: "EUR" | "USD" | "GBP";
                            subtotal: number;
                            tax: number;
                            total: number;
                            /** @description ISO 8601 instant */
                            draftedAt: string;
                            /** @description ISO 8601 instant */
                            finalizedAt: string | null;
                            /**
                             * @description Reserved: adjustments of a finalized period are lines of a later invoice, not invoices of their own
                             * @enum {string|null}
                             */
                            adjustmentOf: null;
                            lines: {
                                /** @enum {string} */
                                kind: "flat_fee" | "trial" | "included_units" | "usage" | "trial_usage" | "minimum_commitment" | "adjustment" | "tax";
                                description: string;
                                /** @description Plan key */
                                planKey: string | null;
                                meter: string | null;
                                units: number | null;
                                quantity: number | null;
                                unitPrice: string | null;
                                tier: {
                                    index: number;
                                    firstUnit: number;
                                    lastUnit: number | null;
                                } | null;
                                /** Format: date-time */
                                from: string | null;
                                /** Format: date-time */
                                to: string | null;
                                days: number | null;
                                periodDays: number | null;
                                amount: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sla/running": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live: running waits and open conversations past their SLA target (breached) or close to it (at risk), earliest due first */
        get: {
            parameters: {
                query?: {
                    teamId?: string;
                    /** @description One conversation's SLA clock: every running target of it, on_track ones too (atRiskShare then only sets at_risk vs on_track) */
                    conversationId?: string;
                    /** @description At risk: not yet due, with at most this share of its target left (default 0.25) */
                    atRiskShare?: number;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            now: string;
                            /** @description Most urgent first (earliest due) */
                            items: {
                                conversationId: string;
                                kind: string;
                                teamId: string | null;
                                priority: string;
                                startedAt: string;
                                targetSeconds: number;
                                dueAt: string;
                                /** @enum {string} */
                                state: "breached" | "at_risk" | "on_track";
                                /** @enum {string} */
                                hours: "business" | "calendar";
                                elapsedSeconds: number;
                                remainingSeconds: number;
                            }[];
                            /** @description More rows than `limit`: the first `limit` are listed */
                            truncated: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sla/compliance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SLA compliance per target: met / (met + breached); running waits count as breached once past due */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** @enum {string} */
                                target: "first_response" | "first_response_all" | "next_response" | "resolution";
                                met: number;
                                breached: number;
                                compliancePct: number | null;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sla/percentiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** p50/p90/p95 of first response, next response and resolution times (exact): the JSON has both clocks (wall = calendar); the CSV the clock hours chooses */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            firstResponse: {
                                wall: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                                business: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                            };
                            firstResponseAll: {
                                wall: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                                business: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                            };
                            nextResponse: {
                                wall: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                                business: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                            };
                            resolution: {
                                wall: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                                business: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                            };
                            firstResolution: {
                                wall: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                                business: {
                                    count: number;
                                    p50: number | null;
                                    p90: number | null;
                                    p95: number | null;
                                };
                            };
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sla/breaches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SLA breaches grouped by team, agent, priority or day (the day the target was missed, in timeZone) */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                    by: "team" | "agent" | "priority" | "day";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                key: string;
                                /** @enum {string} */
                                target: "first_response" | "first_response_all" | "next_response" | "resolution";
                                breaches: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Messages by hour, day, week or month, inbound and outbound, by message type (15-minute rollup; range rounded to 15 minutes); team and agent: who had the conversation then */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description Period of each row in timeZone: hour, day, week (from Monday) or month */
                    granularity?: "hour" | "day" | "week" | "month";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                period: string;
                                direction: string;
                                messageType: string;
                                messages: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/response-times": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Answered waits per hour, day, week or month with approximate p50/p90/p95 of wall-clock time (t-digest rollup, for dashboards) */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    granularity?: "hour" | "day" | "week" | "month" | "total";
                    kind?: "first" | "reopen" | "next";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                period: string;
                                responses: number;
                                p50: number;
                                p90: number;
                                p95: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/agents/leaderboard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per agent: conversations handled, first responses, median first response and resolution (on the hours clock), median handle time, CSAT; sortable by any column */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                    /** @description Any column of a row; nulls always last, ties by agentId */
                    sort?: "agentId" | "conversationsHandled" | "firstResponses" | "medianFirstResponseSeconds" | "medianResolutionSeconds" | "medianHandleSeconds" | "csatAverage" | "csatResponses";
                    order?: "asc" | "desc";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                agentId: string;
                                conversationsHandled: number;
                                firstResponses: number;
                                medianFirstResponseSeconds: number | null;
                                medianResolutionSeconds: number | null;
                                medianHandleSeconds: number | null;
                                csatAverage: number | null;
                                csatResponses: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sla/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Drill-down: the waits (or, for resolution, conversations) behind an SLA figure, with the reports’ population, filters and verdicts; pages by cursor; CSV exports every row */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                    /** @description Which figure: first_response, first_response_all, next_response (waits) or resolution (conversations) */
                    target: "first_response" | "first_response_all" | "next_response" | "resolution";
                    /** @description met or breached: the compliance figures (waits with a target); any: every row of the population */
                    outcome?: "met" | "breached" | "any";
                    /** @description A row of the breaches-by-priority report */
                    priority?: "low" | "normal" | "high" | "urgent";
                    /** @description A row of the breaches-by-day report: local date (timeZone) of the due instant */
                    day?: string;
                    /** @description The granularity of the report whose bucket this is (default day) */
                    granularity?: "hour" | "day" | "week" | "month";
                    /** @description A period of a report, as it wrote it: YYYY-MM-DD (day, week: its Monday, month: its first day) or YYYY-MM-DD HH:00:00 (hour), in timeZone */
                    bucket?: string;
                    limit?: number;
                    /** @description nextCursor of the previous page, with the same filters */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                conversationId: string;
                                episode: number | null;
                                kind: string;
                                startedAt: string;
                                endedAt: string | null;
                                teamId: string | null;
                                agentId: string | null;
                                priority: string;
                                wallSeconds: number | null;
                                businessSeconds: number | null;
                                targetSeconds: number | null;
                                dueAt: string | null;
                                /** @enum {string} */
                                outcome: "met" | "breached" | "none";
                            }[];
                            total: number;
                            /** @description Pass as cursor for the next page; null: last page */
                            nextCursor: string | null;
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/queue-wait": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Wait time: first queued → first assigned (exact p50/p90/p95, wall-clock), still queued and closed unassigned, of conversations opened in the range */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            wait: {
                                count: number;
                                p50: number | null;
                                p90: number | null;
                                p95: number | null;
                            };
                            stillQueued: number;
                            closedUnassigned: number;
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/handle-time": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Handle time: how long conversations opened in the range were open and held by an agent (exact p50/p90/p95 of closed ones, wall-clock) */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            handle: {
                                count: number;
                                p50: number | null;
                                p90: number | null;
                                p95: number | null;
                            };
                            handlingNow: number;
                            unknown: number;
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sla/compliance/by-period": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SLA compliance per target and period in timeZone: waits by the period they started in, resolution by the period the conversation opened in; the periods add up to /sla/compliance */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                    /** @description Period of each row in timeZone: hour, day, week (from Monday) or month */
                    granularity?: "hour" | "day" | "week" | "month";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                period: string;
                                /** @enum {string} */
                                target: "first_response" | "first_response_all" | "next_response" | "resolution";
                                met: number;
                                breached: number;
                                compliancePct: number | null;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/conversations/volumes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Conversations opened (open in the period) and closed (closed now, last close in the period) per hour, day, week or month in timeZone; team: current team, agent: handled by */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description Period of each row in timeZone: hour, day, week (from Monday) or month */
                    granularity?: "hour" | "day" | "week" | "month";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                period: string;
                                opened: number;
                                closed: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/heatmap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Day of week × hour of day in timeZone (168 cells, Monday 0h first): inbound messages (with the conversations they belong to) or conversations opened */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    measure?: "inbound_messages" | "conversations_opened";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                dayOfWeek: number;
                                hour: number;
                                count: number;
                                conversations: number;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/csat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** CSAT of conversations opened in the range and closed: response rate, average and the 1–5 distribution (CSV: the distribution rows); team: current team, agent: handled by */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            closed: number;
                            responses: number;
                            responseRatePct: number | null;
                            average: number | null;
                            distribution: {
                                score: number;
                                responses: number;
                                sharePct: number | null;
                            }[];
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/csat/comments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** CSAT comments of the CSAT report’s responses, newest first; pages by cursor; CSV exports every row */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description Only comments with this score */
                    score?: number;
                    limit?: number;
                    /** @description nextCursor of the previous page, with the same filters */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                conversationId: string;
                                score: number;
                                comment: string;
                                agentId: string | null;
                                teamId: string | null;
                                recordedAt: string;
                            }[];
                            total: number;
                            /** @description Pass as cursor for the next page; null: last page */
                            nextCursor: string | null;
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/drilldown": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Drill-down of any figure: the conversations (or waits) behind it, with the same range, zone, filters and clock as its report; total equals the figure; pages by cursor; CSV exports every row
         * @description Figures:
         *     - messages: conversations behind volumes (`bucket` of its granularity, `direction`, `messageType`); heatmap `inbound_messages` cells (`direction=inbound`, `dayOfWeek`, `hour`); takes bucket, dayOfWeek, hour, direction, messageType
         *     - conversations_opened: conversations behind conversation volumes `opened` (`bucket`); heatmap `conversations_opened` cells (`dayOfWeek`, `hour`); takes bucket, dayOfWeek, hour
         *     - conversations_closed: conversations behind conversation volumes `closed` (`bucket`); takes bucket, dayOfWeek, hour
         *     - csat_closed: conversations behind CSAT `closed` (the response rate’s denominator); takes no narrowing parameter
         *     - csat_responses: conversations behind CSAT `responses` and a distribution bar (`score`); leaderboard `csatResponses` (with `agentId`); takes score
         *     - handled: conversations behind leaderboard `conversationsHandled` (with `agentId`); takes no narrowing parameter
         *     - first_responses: waits (first waits: one per conversation) behind leaderboard `firstResponses` (with `agentId`); takes no narrowing parameter
         *     - sla: waits (conversations for `target=resolution`) behind compliance `met`/`breached` (`target`, `outcome`), a compliance-by-period row (`bucket`), a breaches row (`priority`, `day`; team and agent rows through `teamId`/`agentId`); takes target, outcome, bucket, priority, day
         */
        get: {
            parameters: {
                query: {
                    /** @description Start (inclusive): conversations opened / waits started from here */
                    from: string;
                    /** @description End (exclusive) */
                    to: string;
                    /** @description Groups days and hours in this zone */
                    timeZone?: string;
                    teamId?: string;
                    agentId?: string;
                    /** @description csv: the same figures as text/csv (also chosen by Accept: text/csv) */
                    format?: "json" | "csv";
                    /** @description business: waits in the team’s business hours against their due instant (default); calendar: the same waits in wall-clock time, same targets */
                    hours?: "business" | "calendar";
                    /** @description Which figure (see the description) */
                    figure: "messages" | "conversations_opened" | "conversations_closed" | "csat_closed" | "csat_responses" | "handled" | "first_responses" | "sla";
                    /** @description The granularity of the report whose bucket this is (default day) */
                    granularity?: "hour" | "day" | "week" | "month";
                    /** @description A period of a report, as it wrote it: YYYY-MM-DD (day, week: its Monday, month: its first day) or YYYY-MM-DD HH:00:00 (hour), in timeZone */
                    bucket?: string;
                    /** @description A heatmap cell: local day of week, 1 = Monday */
                    dayOfWeek?: number;
                    /** @description A heatmap cell: local hour */
                    hour?: number;
                    /** @description messages: a volumes row */
                    direction?: "inbound" | "outbound";
                    /** @description messages: a volumes row */
                    messageType?: string;
                    /** @description csat_responses: a distribution bar */
                    score?: number;
                    /** @description sla: which target (required) */
                    target?: "first_response" | "first_response_all" | "next_response" | "resolution";
                    /** @description sla: met or breached (the compliance figures), any (default) */
                    outcome?: "met" | "breached" | "any";
                    /** @description sla: a breaches-by-priority row */
                    priority?: "low" | "normal" | "high" | "urgent";
                    /** @description sla: a breaches-by-day row (local date of the due instant) */
                    day?: string;
                    limit?: number;
                    /** @description nextCursor of the previous page, with the same filters */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            figure: "messages" | "conversations_opened" | "conversations_closed" | "csat_closed" | "csat_responses" | "handled" | "first_responses" | "sla";
                            total: number;
                            messages: number | null;
                            items: {
                                conversationId: string;
                                episode: number | null;
                                at: string;
                                openedAt: string;
                                status: string;
                                teamId: string | null;
                                agentId: string | null;
                                priority: string;
                                csat: number | null;
                                messages: number | null;
                                /** @enum {string|null} */
                                outcome: "met" | "breached" | "none" | null;
                            }[];
                            /** @description Pass as cursor for the next page; null: last page */
                            nextCursor: string | null;
                        } | string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/analytics/sql": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Read-only SQL over the analytics tables: a tenant analyst sees their tenant’s rows, the platform analyst key every tenant’s (see docs/analytics.md) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description One SELECT (or WITH … SELECT) over the plain table names, calling allowed functions only */
                        sql: string;
                        /**
                         * @description Values for {name:Type} placeholders in the SQL
                         * @default {}
                         */
                        params?: {
                            [key: string]: string | number | boolean;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rows: {
                                [key: string]: unknown;
                            }[];
                            rowCount: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage per meter and group over a billing period [from, to) the caller gives (the tenant’s current period, in its time zone) */
        get: {
            parameters: {
                query: {
                    /** @description Start of the period (inclusive): an ISO instant on a quarter hour, e.g. the tenant’s local midnight 2026-10-01T00:00:00+02:00 */
                    from: string;
                    /** @description End of the period (exclusive), on a quarter hour */
                    to: string;
                    /** @description Wait until the usage projection includes this log position (e.g. the head the billing job read) */
                    minPosition?: string;
                    /** @description Longest wait for minPosition; then the answer says Parley-Consistency: stale */
                    waitMs?: number;
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            tenantId: string;
                            /**
                             * Format: date-time
                             * @description Start of the period (inclusive), UTC
                             */
                            from: string;
                            /**
                             * Format: date-time
                             * @description End of the period (exclusive), UTC
                             */
                            to: string;
                            meters: {
                                meter: string;
                                description: string;
                                unit: string;
                                /** @enum {string} */
                                aggregation: "count" | "sum" | "unique_count" | "max" | "latest";
                                /** @description One per group with usage; none: no usage */
                                items: {
                                    /** @description The group’s dimensions (empty for a meter without groupBy) */
                                    group: {
                                        [key: string]: string;
                                    };
                                    /** @description The meter’s aggregation over the period, in its unit */
                                    quantity: number;
                                }[];
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage/tenants/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Many tenants’ usage over one period in one read (platform admin key; the billing job): the same report per tenant as GET /v1/usage/current
         * @description A POST because a thousand tenant ids do not fit a URL; it changes nothing. Parley-Consistency as on GET /v1/usage/current.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description Start of the period (inclusive): an ISO instant on a quarter hour, e.g. the tenant’s local midnight 2026-10-01T00:00:00+02:00
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description End of the period (exclusive), on a quarter hour
                         */
                        to: string;
                        /** @description Wait until the usage projection includes this log position (e.g. the head the billing job read) */
                        minPosition?: string;
                        /**
                         * @description Longest wait for minPosition; then the answer says Parley-Consistency: stale
                         * @default 3000
                         */
                        waitMs?: number;
                        /** @description The tenants, at most 1,000 per call */
                        tenantIds: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description One per tenant asked, in the order asked */
                            items: {
                                /** Format: uuid */
                                tenantId: string;
                                /**
                                 * Format: date-time
                                 * @description Start of the period (inclusive), UTC
                                 */
                                from: string;
                                /**
                                 * Format: date-time
                                 * @description End of the period (exclusive), UTC
                                 */
                                to: string;
                                meters: {
                                    meter: string;
                                    description: string;
                                    unit: string;
                                    /** @enum {string} */
                                    aggregation: "count" | "sum" | "unique_count" | "max" | "latest";
                                    /** @description One per group with usage; none: no usage */
                                    items: {
                                        /** @description The group’s dimensions (empty for a meter without groupBy) */
                                        group: {
                                            [key: string]: string;
                                        };
                                        /** @description The meter’s aggregation over the period, in its unit */
                                        quantity: number;
                                    }[];
                                }[];
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage/daily": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage per local day of timeZone, meter and group, over the dates [from, to) */
        get: {
            parameters: {
                query: {
                    /** @description First local date (inclusive), YYYY-MM-DD */
                    from: string;
                    /** @description Last local date (exclusive), YYYY-MM-DD */
                    to: string;
                    /** @description Days are this zone’s calendar days (a DST day has 23 or 25 hours) */
                    timeZone?: string;
                    /** @description Platform admin key only: the tenant to read (a tenant user reads their own) */
                    tenantId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            timeZone: string;
                            items: {
                                /**
                                 * Format: date
                                 * @description Local date in the report’s time zone
                                 */
                                day: string;
                                meter: string;
                                group: {
                                    [key: string]: string;
                                };
                                quantity: number;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: string;
                            message: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
